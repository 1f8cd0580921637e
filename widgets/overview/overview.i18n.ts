// Every string of the programme overview page, in English and Simplified Chinese.
import { fillTemplate } from '../shared/locale.js';
import type { Locale } from '../shared/types.js';

const en = {
  title: 'Programme overview',
  period: 'Period',
  region: 'Region',
  level: 'Level',
  all: 'All',
  partners: 'Partners',
  totalPayout: 'Estimated payout',
  budget: 'Budget',
  noBudget: 'No budget in the plan',
  budgetShare: '{share} of budget',
  tiers: 'Tier distribution',
  tierCount: '{count} partners',
  leaderboard: 'Leaderboard',
  colPosition: '#',
  colPartner: 'Partner',
  colTier: 'Tier',
  colScore: 'Score',
  colPayout: 'Payout',
  colNext: 'Next tier',
  close: 'Close to the next tier',
  closeItem: '{gap} points to {tier}',
  closeNone: 'Nobody is within 10 points of a next tier.',
  risks: 'At risk of a gate',
  riskFailing: '{metric} is {actual}, below {min}',
  riskNear: '{metric} is {actual}, close to the minimum {min}',
  risksNone: 'No partner is failing or near a gate.',
  download: 'Download CSV',
  updated: 'Updated {time}',
  loading: 'Loading…',
  error_unauthorized: 'Your session has expired or you have no access.',
  'error_not-found': 'No incentive results for this period yet.',
  error_unreachable: 'The incentive server cannot be reached. Try again in a moment.',
  'error_bad-response': 'The incentive server sent data this page cannot read.',
  retry: 'Try again',
};
type Key = keyof typeof en;

const zh: Record<Key, string> = {
  title: '激励计划总览',
  period: '考核周期',
  region: '区域',
  level: '级别',
  all: '全部',
  partners: '合作伙伴',
  totalPayout: '预计奖励总额',
  budget: '预算',
  noBudget: '计划中未设置预算',
  budgetShare: '占预算 {share}',
  tiers: '等级分布',
  tierCount: '{count} 家',
  leaderboard: '排行榜',
  colPosition: '#',
  colPartner: '合作伙伴',
  colTier: '等级',
  colScore: '得分',
  colPayout: '奖励',
  colNext: '下一等级',
  close: '即将升级',
  closeItem: '距{tier}还差 {gap} 分',
  closeNone: '暂无合作伙伴距下一等级 10 分以内。',
  risks: '门槛风险',
  riskFailing: '{metric}为 {actual}，低于 {min}',
  riskNear: '{metric}为 {actual}，接近最低要求 {min}',
  risksNone: '暂无合作伙伴未达或接近门槛。',
  download: '下载 CSV',
  updated: '更新于 {time}',
  loading: '加载中…',
  error_unauthorized: '会话已过期，或您无权查看。',
  'error_not-found': '该周期暂无激励结果。',
  error_unreachable: '无法连接激励服务，请稍后重试。',
  'error_bad-response': '激励服务返回的数据无法识别。',
  retry: '重试',
};

const TABLES: Record<Locale, Record<Key, string>> = { en, 'zh-CN': zh };

export type OverviewKey = Key;

export function ot(locale: Locale, key: Key, params: Record<string, string | number> = {}): string {
  return fillTemplate(TABLES[locale][key], params);
}
