import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, csvCell, zipOne } from '../../../connectors/zoho/sandbox/sandbox.zip.js';
import { planFullSync } from '../../../connectors/zoho/zoho.bulk.js';
import { csvRecords, csvRows, parseCsv, unzip } from '../../../connectors/zoho/zoho.bulk-file.js';

describe('bulk read files and planning', () => {
  it('round-trips a CSV through the ZIP writer and reader, with quoting and Chinese text', () => {
    const rows = [
      ['Id', 'Deal_Name', 'Amount', 'Channel_Partner'],
      [
        '5725767000001000001',
        csvCell('华东项目, "phase 2"'),
        csvCell(1234.5),
        csvCell({ id: '5725767000001000002' }),
      ],
      ['5725767000001000003', csvCell('line\nbreak'), csvCell(null), csvCell(null)],
    ];
    const csv = `${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
    const [entry] = unzip(zipOne('job.csv', Buffer.from(csv)));
    expect(entry!.name).toBe('job.csv');
    expect([...csvRecords(entry!.data)]).toEqual([
      {
        Id: '5725767000001000001',
        Deal_Name: '华东项目, "phase 2"',
        Amount: '1234.5',
        Channel_Partner: '5725767000001000002',
      },
      { Id: '5725767000001000003', Deal_Name: 'line\nbreak', Amount: null, Channel_Partner: null },
    ]);
  });

  it('reads deflated entries too (as Zoho may serve them)', () => {
    const data = Buffer.from('Id,Deal_Name\n1,a\n');
    const stored = zipOne('x.csv', data);
    // Re-pack the entry as method 8 (deflate) by hand.
    const deflated = deflateRawSync(data);
    const nameLen = 5;
    const local = Buffer.from(stored.subarray(0, 30));
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(deflated.length, 18);
    const central = Buffer.from(stored.subarray(30 + nameLen + data.length, 30 + nameLen + data.length + 46));
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(deflated.length, 20);
    const name = Buffer.from('x.csv');
    const end = Buffer.from(stored.subarray(stored.length - 22));
    end.writeUInt32LE(30 + nameLen + deflated.length, 16);
    const zip = Buffer.concat([local, name, deflated, central, name, end]);
    expect(unzip(zip)[0]!.data.toString()).toBe(data.toString());
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('parses RFC 4180 edge cases', () => {
    expect(parseCsv('a,"b""c",\n')).toEqual([['a', 'b"c', '']]);
    expect(parseCsv('\ufeffx,y')).toEqual([['x', 'y']]);
    expect(parseCsv('x,')).toEqual([['x', '']]);
    expect(parseCsv('a\r\n\r\nb\rc\n')).toEqual([['a'], [''], ['b'], ['c']]);
    expect(parseCsv('"unterminated,\n')).toEqual([['unterminated,\n']]);
  });

  it('reads rows from the bytes: multi-byte UTF-8 next to separators and quotes, newlines inside quotes', () => {
    const csv = '\ufeffId,名称,备注\r\n1,华东,"第一行\r\n第二行, ""引号"""\r\n2,"",€\r\n';
    const rows = csvRows(Buffer.from(csv, 'utf8'));
    expect(rows.next().value).toEqual(['Id', '名称', '备注']);
    expect(rows.next().value).toEqual(['1', '华东', '第一行\r\n第二行, "引号"']);
    expect(rows.next().value).toEqual(['2', '', '€']);
    expect(rows.next().done).toBe(true);
    expect([...csvRecords(Buffer.from(csv, 'utf8'))]).toEqual([
      { Id: '1', 名称: '华东', 备注: '第一行\r\n第二行, "引号"' },
      { Id: '2', 名称: null, 备注: '€' },
    ]);
  });

  it('chooses Bulk Read only where it spends fewer credits', () => {
    expect(planFullSync(5_000, 10_000).via).toBe('coql');
    expect(planFullSync(20_000, 10_000)).toMatchObject({ via: 'coql', coqlCredits: 30, bulkCredits: 52 });
    expect(planFullSync(50_000, 10_000)).toMatchObject({ via: 'bulk', coqlCredits: 75, bulkCredits: 52 });
    expect(planFullSync(500_000, 10_000)).toMatchObject({ via: 'bulk', coqlCredits: 750, bulkCredits: 156 });
  });
});
