/** The auth help topic (ges help auth); listed in topics.ts. */
export const text = `
Which credentials are used: GES_TOKEN if set, else HUAWEICLOUD_SDK_AK and
HUAWEICLOUD_SDK_SK if set, else the profile's auth section. Secrets never
appear in any output: not in --verbose traces, --dry-run, config show,
error messages or JSON.

token: a ready IAM token, sent as X-Auth-Token.

  auth: {type: token, token: "\${GES_TOKEN}"}

password: ges logs in to IAM (POST /v3/auth/tokens) with an IAM user's
password, scoped to the project (or to projectName), and caches the token
in $XDG_CACHE_HOME/ges (folder 0700, files 0600; the password is never
stored) until five minutes before it expires. A 401 from GES drops the
cached token, logs in again and retries once. Without iamEndpoint (or
HUAWEICLOUD_SDK_IAM_ENDPOINT) a region profile logs in at
https://iam.<region>.myhuaweicloud.com. --dry-run never logs in.

  auth:
    type: password
    iamEndpoint: https://iam.cn-north-4.myhuaweicloud.com
    domain: my-account              # the account (domain) name
    user: ci-bot                    # an IAM user with GES permissions
    password: \${GES_PASSWORD}

aksk: every request is signed with an access key pair (SDK-HMAC-SHA256, as
Huawei Cloud's API gateway checks it). Keep the clock right: the gateway
refuses one more than 15 minutes off. Huawei documents signing for the
management plane; the engine itself documents tokens only, so prefer token
or password against an engine with no gateway in front.

  auth:
    type: aksk
    accessKey: \${HUAWEICLOUD_SDK_AK}
    secretKey: \${HUAWEICLOUD_SDK_SK}
    securityToken: \${HUAWEICLOUD_SDK_SECURITY_TOKEN}  # temporary keys

none: no credentials are sent (a gateway that authenticates, or
ges emulator --no-auth).

Write secrets as \${NAME} references: a file holding a literal secret that
group or others can read earns a warning. ges config init writes
references only, never secrets.

  GES_TOKEN=... ges job list movies
  ges config init -p prod --endpoint https://100.93.1.2 \\
    --project-id 0a1b2c3d4e5f60718293a4b5c6d7e8f9 --auth password \\
    --iam-endpoint https://iam.cn-north-4.myhuaweicloud.com \\
    --domain my-account --user ci-bot
`;
