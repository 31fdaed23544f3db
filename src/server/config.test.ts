import { describe, expect, it } from 'vitest'
import { parseConfigFile, parseDurationMs, parseListen, resolveServerConfig } from './config.js'

describe('server config', () => {
  it('has OpenShift-like defaults', () => {
    const c = resolveServerConfig({}, {})
    expect(c).toMatchObject({
      dataDir: './data',
      listen: { host: '127.0.0.1', port: 8443 },
      insecureHttp: false,
      defaultImportMode: 'Legacy',
      defaultPlatform: { os: 'linux', architecture: 'amd64' },
      maxImagesBulkImportedPerRepository: 50,
      scheduledImportIntervalMs: 15 * 60_000,
      maxScheduledImportsPerMinute: 60,
    })
    expect(c.pruneSchedule).toBeUndefined()
  })

  it('flags override the config file, which overrides defaults', () => {
    const file = parseConfigFile(
      'listen: 127.0.0.1:9000\nscheduled-import-interval: 30s\ndefaultImportMode: PreserveOriginal\n',
      'c.yaml'
    )
    const c = resolveServerConfig(file, { listen: '127.0.0.1:9100', dataDir: undefined })
    expect(c.listen.port).toBe(9100)
    expect(c.scheduledImportIntervalMs).toBe(30_000)
    expect(c.defaultImportMode).toBe('PreserveOriginal')
  })

  it.each([
    [
      { defaultImportMode: 'Arm' },
      /invalid --default-import-mode "Arm": valid ImportMode values are Legacy or PreserveOriginal/,
    ],
    [{ listen: 'nohost' }, /invalid --listen "nohost": expected HOST:PORT/],
    [
      { insecureHttp: true, listen: '0.0.0.0:80' },
      /plain HTTP is only allowed on a loopback address/,
    ],
    [{ scheduledImportInterval: 'soon' }, /invalid --scheduled-import-interval "soon"/],
    [{ maxImagesBulkImportedPerRepository: -2 }, /expected an integer >= -1/],
    [{ tlsCertFile: 'a.crt' }, /--tls-cert-file and --tls-private-key-file go together/],
    [{ defaultPlatform: 'linux' }, /invalid --default-platform/],
  ])('rejects %j naming the setting', (flags, want) => {
    expect(() => resolveServerConfig({}, flags)).toThrow(want)
  })

  it('parses allowed registries from a flag list or config entries', () => {
    expect(
      resolveServerConfig({}, { allowedRegistriesForImport: 'quay.io, *.example.com' })
        .allowedRegistriesForImport
    ).toEqual([{ domainName: 'quay.io' }, { domainName: '*.example.com' }])
    const file = parseConfigFile(
      'allowedRegistriesForImport:\n- domainName: reg.local:80\n  insecure: true\n',
      'c.yaml'
    )
    expect(resolveServerConfig(file, {}).allowedRegistriesForImport).toEqual([
      { domainName: 'reg.local:80', insecure: true },
    ])
  })

  it('reads Go-style durations and listen addresses', () => {
    expect(parseDurationMs('1h30m')).toBe(90 * 60_000)
    expect(parseDurationMs('500ms')).toBe(500)
    expect(parseDurationMs('90')).toBe(90_000)
    expect(parseDurationMs('x')).toBeUndefined()
    expect(parseListen('[::1]:8443')).toEqual({ host: '::1', port: 8443 })
  })

  it('rejects a config file that is not a mapping', () => {
    expect(() => parseConfigFile('- a\n- b\n', 'c.yaml')).toThrow(
      /config file c.yaml: expected a mapping/
    )
    expect(() => parseConfigFile('a: [', 'c.yaml')).toThrow(/config file c.yaml: /)
  })
})
