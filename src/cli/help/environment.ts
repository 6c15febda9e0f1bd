/** The environment help topic (ges help environment); listed in topics.ts. */
export const text = `
Settings (a flag, and a profile named with -p, win over each; see
ges help config for the precedence):

  GES_PROFILE                 the profile to use
  GES_CONFIG                  the config file to use (no search)
  GES_ENDPOINT                the graph's service-plane address
  GES_PROJECT_ID              the project ID
  HUAWEICLOUD_SDK_PROJECT_ID  the project ID, when GES_PROJECT_ID is unset
  GES_REGION                  a region: graphs are found by name
  GES_MANAGEMENT_ENDPOINT     the management plane's address
  HUAWEICLOUD_SDK_REGION_GES_<REGION>
                              the management plane's address for a region
                              (upper case, - as _: CN_NORTH_4)

Credentials (ges help auth):

  GES_TOKEN                   an IAM token; wins over an access key from
                              the environment and over the auth of a
                              profile not named with -p
  HUAWEICLOUD_SDK_AK          an access key pair (both or neither):
  HUAWEICLOUD_SDK_SK          requests are signed; wins over the auth of
                              a profile not named with -p
  HUAWEICLOUD_SDK_SECURITY_TOKEN
                              the security token of temporary keys
  HUAWEICLOUD_SDK_IAM_ENDPOINT
                              the IAM address for password auth; wins
                              over auth.iamEndpoint of a profile not
                              named with -p

Files and network:

  XDG_CONFIG_HOME             the user config directory's parent (default
                              ~/.config): config.yaml, trusted.json
  XDG_CACHE_HOME              the cache's parent (default ~/.cache): IAM
                              tokens, graph addresses
  HTTP_PROXY, HTTPS_PROXY     proxies for http and https addresses (lower
  NO_PROXY                    case too, and it wins): hosts, domains,
                              host:port or *

Output:

  NO_COLOR                    non-empty: no colour
  FORCE_COLOR                 colour even without a terminal (0: never)
  TERM                        dumb: no colour
  CI                          set: no spinner

XDG_CONFIG_HOME and XDG_CACHE_HOME count only when they are absolute paths;
else HOME decides, and with no absolute HOME there is no user config
directory and no cache.

  GES_ENDPOINT=http://127.0.0.1:8080 GES_PROJECT_ID=demo \\
    GES_TOKEN=demo-token ges job list movies
`;
