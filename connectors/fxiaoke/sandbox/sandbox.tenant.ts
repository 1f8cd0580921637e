// The sandbox tenant's fixed identity: app credentials, corp ids and the admin operator.
export const SANDBOX_APP = {
  appId: 'FSAID_131d2c5',
  appSecret: 'sandbox-app-secret-7c1e4b2a9f',
  permanentCode: '3F9A0C5E7B1D2CA5',
} as const;
export const SANDBOX_TENANT = {
  corpId: 'FSCID_5A7D9E1B3C',
  ea: 'fs_sandbox_590163',
  enterpriseAccount: 'fssandbox',
  tenantId: 590163,
  admin: {
    openUserId: 'FSUID_0642D2A6D0AC2FEDF2BF0930E9469F98',
    mobile: '13800138000',
    employeeId: '1000',
    name: '系统管理员',
  },
} as const;
