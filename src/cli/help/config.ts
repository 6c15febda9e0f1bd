/** The config help topic (ges help config); listed in topics.ts. */
export const text = `
ges reads one config file. --config <file> or GES_CONFIG names it (no
search); otherwise it searches under the name "ges" from the working
directory up to the home directory, then in the user config directory
($XDG_CONFIG_HOME/ges, default ~/.config/ges). In each folder it tries
package.json (a "ges" key), .gesrc (YAML or JSON), .gesrc.json,
.gesrc.yaml, .gesrc.yml, .gesrc.js, .gesrc.cjs, .gesrc.mjs and
ges.config.js, .cjs or .mjs; in the user config directory config.yaml and
the same kinds of names. The first one found wins. ges config path shows
the file in use and every place searched.

Trust: a file in the user config directory, or named by --config or
GES_CONFIG, is used as it is. Any other file the search finds (a cloned
repository, /tmp) could send your credentials anywhere, and a .js one is
code: it is used only after ges config trust, which records its real path
and SHA-256; when the file changes it must be trusted again. It refuses
a YAML or JSON file that does not parse or validate (exit 2, with the
line and column); a .js one cannot be checked without running it, so read
it first. An untrusted file is exit 2 before it is read. A file owned by
another user or writable by group or others is refused whatever its trust.

A profile holds the settings of one graph or project:

  defaultProfile: default
  profiles:
    default:
      endpoint: http://192.168.0.20     # the graph's service-plane address
      projectId: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
      timeout: 30s                      # per attempt
      retries: 2
      auth:
        type: token                     # token | password | aksk | none
        token: \${GES_TOKEN}
    cloud:
      region: cn-north-4                # find graphs by name instead
      projectId: 0a1b2c3d4e5f60718293a4b5c6d7e8f9
      auth: {type: password, domain: acme, user: ci-bot,
             password: "\${GES_PASSWORD}"}

Other keys of a profile: managementEndpoint, network (private or public),
connectTimeout, caFile (relative to the file), insecure, language (en-us or
zh-cn), graphs (names offered by shell completion). ges help auth tells
the auth keys of each type.

\${NAME} in a string is read from the environment only when the value is
used (not for another profile, nor a value a flag or the environment
overrides); an unset name is a config error naming it and the file. A missing or
wrongly typed key is an error naming the key and the file; an unknown key
is a warning (a typo); a malformed file is an error with the line and
column.

Precedence, for each setting, first found wins:

  1. a flag (--endpoint, --timeout, ...)
  2. the profile named on the command line (-p, --profile)
  3. the environment (GES_ENDPOINT, GES_TOKEN, ...: ges help environment)
  4. the profile named by GES_PROFILE, else by defaultProfile, else the
     profile called default
  5. the defaults

So ges -p prod goes where prod says, whatever GES_ENDPOINT the shell
holds; the environment fills what prod leaves out, and wins over the
default profile. Where the graph is counts as one setting (an endpoint,
or a region or managementEndpoint): the strongest source that gives any
of it gives all of it. Credentials count as one too: a profile's auth
section, or GES_TOKEN, or an access key pair, never a mix. ges config
show, and --verbose before its requests, print every resolved value
with where it came from.

Durations (--timeout, --wait-timeout, --max-time, timeout in a profile):
250ms, 5s, 10m, 1h30m; a plain number is seconds. The emulator's timing
options (--pending-ms, --running-ms, --cancel-delay-ms) read a plain number
as milliseconds.

  ges config path
  ges config init
  ges config show -p prod
  ges config trust ./deploy/.gesrc.yaml
`;
