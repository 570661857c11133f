
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'peerstream' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'peerstream'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'peerstream' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('nat', 'nat', [CompletionResultType]::ParameterValue, 'Diagnose the NAT between you and the internet')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Inspect and check the local cache')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download a torrent into the cache (info-hash, magnet URI or .torrent file)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve streams over HTTP: GET /stream/proxy/:infoHash')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration or write a default config file')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages generated from this command line')
            [CompletionResult]::new('play', 'play', [CompletionResultType]::ParameterValue, 'Play a target in a video player through a private server on loopback')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;nat' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)')
            [CompletionResult]::new('unmap', 'unmap', [CompletionResultType]::ParameterValue, 'Remove port mappings made by `nat map`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;nat;detect' {
            [CompletionResult]::new('--stun', '--stun', [CompletionResultType]::ParameterName, 'STUN server (repeatable; tried in order, RFC 5780 servers preferred) [default: the setting nat.stun_servers]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long a request that should be answered may take, retransmissions included (seconds, or with a unit: 500ms) [default: 3]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'The torrent port that the advice talks about [default: the setting p2p.listen_port]')
            [CompletionResult]::new('--turn', '--turn', [CompletionResultType]::ParameterName, 'Also check that this TURN relay grants an allocation, and show the relayed address')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--no-hairpin', '--no-hairpin', [CompletionResultType]::ParameterName, 'Skip the hairpinning test')
            [CompletionResult]::new('--no-port-mapping', '--no-port-mapping', [CompletionResultType]::ParameterName, 'Do not probe UPnP-IGD, NAT-PMP and PCP on the gateway')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/JSON-nat.md)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;nat;map' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Local port to map; the same external port is asked for [default: the setting p2p.listen_port]')
            [CompletionResult]::new('--protocol', '--protocol', [CompletionResultType]::ParameterName, 'Which transport to map')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'Which port-mapping protocol to use')
            [CompletionResult]::new('--lifetime', '--lifetime', [CompletionResultType]::ParameterName, 'Lease to ask for (seconds, or with a unit: 2h) [default: 3600]')
            [CompletionResult]::new('--gateway', '--gateway', [CompletionResultType]::ParameterName, 'Gateway for PCP and NAT-PMP [default: the default route''s]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Budget of each protocol''s attempt [default: 2]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--hold', '--hold', [CompletionResultType]::ParameterName, 'Stay in the foreground renewing the lease; remove the mapping on Ctrl-C')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;nat;unmap' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Only the mappings of this local port [default: every mapping `nat map` recorded]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Budget of each removal [default: 2]')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;nat;help' {
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)')
            [CompletionResult]::new('unmap', 'unmap', [CompletionResultType]::ParameterValue, 'Remove port mappings made by `nat map`')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;nat;help;detect' {
            break
        }
        'peerstream;nat;help;map' {
            break
        }
        'peerstream;nat;help;unmap' {
            break
        }
        'peerstream;nat;help;help' {
            break
        }
        'peerstream;cache' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List cached files with their state')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Re-check cached files; exits non-zero when any is not complete and valid')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove torrents from the cache (refused while a stream or download uses one)')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Keep a torrent in the cache: never evicted')
            [CompletionResult]::new('unpin', 'unpin', [CompletionResultType]::ParameterValue, 'Let a pinned torrent be evicted again')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;cache;ls' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;cache;verify' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a')
            [CompletionResult]::new('--dht', '--dht', [CompletionResultType]::ParameterName, 'Find peers through the DHT.')
            [CompletionResult]::new('--no-dht', '--no-dht', [CompletionResultType]::ParameterName, 'The opposite of --dht')
            [CompletionResult]::new('--dht-bootstrap', '--dht-bootstrap', [CompletionResultType]::ParameterName, 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.')
            [CompletionResult]::new('--tracker', '--tracker', [CompletionResultType]::ParameterName, 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.')
            [CompletionResult]::new('--no-trackers', '--no-trackers', [CompletionResultType]::ParameterName, 'Use no URL at all (an empty list)')
            [CompletionResult]::new('--lsd', '--lsd', [CompletionResultType]::ParameterName, 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents')
            [CompletionResult]::new('--no-lsd', '--no-lsd', [CompletionResultType]::ParameterName, 'The opposite of --lsd')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Peers to connect to at once (IP:PORT, repeatable).')
            [CompletionResult]::new('--cluster-peer', '--cluster-peer', [CompletionResultType]::ParameterName, 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every')
            [CompletionResult]::new('--metadata-timeout', '--metadata-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a torrent''s metadata.')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'How long a stream or download may receive nothing before it counts as stalled.')
            [CompletionResult]::new('--keep-downloading', '--keep-downloading', [CompletionResultType]::ParameterName, 'Download on into the cache after the last stream of a torrent closes; off')
            [CompletionResult]::new('--pause-idle', '--pause-idle', [CompletionResultType]::ParameterName, 'The opposite of --keep-downloading')
            [CompletionResult]::new('--readahead-mib', '--readahead-mib', [CompletionResultType]::ParameterName, 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).')
            [CompletionResult]::new('--utp', '--utp', [CompletionResultType]::ParameterName, 'Also use uTP (BitTorrent over UDP) on the listen port.')
            [CompletionResult]::new('--no-utp', '--no-utp', [CompletionResultType]::ParameterName, 'The opposite of --utp')
            [CompletionResult]::new('--disk-reserve-mib', '--disk-reserve-mib', [CompletionResultType]::ParameterName, 'MiB that must stay free on the cache folder''s disk; a download that would leave less')
            [CompletionResult]::new('--download-limit', '--download-limit', [CompletionResultType]::ParameterName, 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or')
            [CompletionResult]::new('--upload-limit', '--upload-limit', [CompletionResultType]::ParameterName, 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0')
            [CompletionResult]::new('--seed-ratio', '--seed-ratio', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent once it uploaded this many times its size (0: no')
            [CompletionResult]::new('--seed-time', '--seed-time', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent after this long, or at the ratio if that comes first')
            [CompletionResult]::new('--prefetch-at', '--prefetch-at', [CompletionResultType]::ParameterName, 'Percent of a playlist entry a stream reads before the next entry''s head and tail are')
            [CompletionResult]::new('--nat', '--nat', [CompletionResultType]::ParameterName, 'NAT detection and port mapping before the first torrent.')
            [CompletionResult]::new('--no-nat', '--no-nat', [CompletionResultType]::ParameterName, 'The opposite of --nat')
            [CompletionResult]::new('--nat-budget', '--nat-budget', [CompletionResultType]::ParameterName, 'The most NAT detection and port mapping may delay the first torrent.')
            [CompletionResult]::new('--map-port', '--map-port', [CompletionResultType]::ParameterName, 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).')
            [CompletionResult]::new('--no-map-port', '--no-map-port', [CompletionResultType]::ParameterName, 'The opposite of --map-port')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--repair', '--repair', [CompletionResultType]::ParameterName, 'Download corrupt pieces again from the swarm')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;cache;rm' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;cache;pin' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;cache;unpin' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;cache;gc' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Only print what would be evicted')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;cache;help' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List cached files with their state')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Re-check cached files; exits non-zero when any is not complete and valid')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove torrents from the cache (refused while a stream or download uses one)')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Keep a torrent in the cache: never evicted')
            [CompletionResult]::new('unpin', 'unpin', [CompletionResultType]::ParameterValue, 'Let a pinned torrent be evicted again')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;cache;help;ls' {
            break
        }
        'peerstream;cache;help;verify' {
            break
        }
        'peerstream;cache;help;rm' {
            break
        }
        'peerstream;cache;help;pin' {
            break
        }
        'peerstream;cache;help;unpin' {
            break
        }
        'peerstream;cache;help;gc' {
            break
        }
        'peerstream;cache;help;help' {
            break
        }
        'peerstream;fetch' {
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Which file: its index or name [default: the largest video]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a')
            [CompletionResult]::new('--dht', '--dht', [CompletionResultType]::ParameterName, 'Find peers through the DHT.')
            [CompletionResult]::new('--no-dht', '--no-dht', [CompletionResultType]::ParameterName, 'The opposite of --dht')
            [CompletionResult]::new('--dht-bootstrap', '--dht-bootstrap', [CompletionResultType]::ParameterName, 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.')
            [CompletionResult]::new('--tracker', '--tracker', [CompletionResultType]::ParameterName, 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.')
            [CompletionResult]::new('--no-trackers', '--no-trackers', [CompletionResultType]::ParameterName, 'Use no URL at all (an empty list)')
            [CompletionResult]::new('--lsd', '--lsd', [CompletionResultType]::ParameterName, 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents')
            [CompletionResult]::new('--no-lsd', '--no-lsd', [CompletionResultType]::ParameterName, 'The opposite of --lsd')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Peers to connect to at once (IP:PORT, repeatable).')
            [CompletionResult]::new('--cluster-peer', '--cluster-peer', [CompletionResultType]::ParameterName, 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every')
            [CompletionResult]::new('--metadata-timeout', '--metadata-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a torrent''s metadata.')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'How long a stream or download may receive nothing before it counts as stalled.')
            [CompletionResult]::new('--keep-downloading', '--keep-downloading', [CompletionResultType]::ParameterName, 'Download on into the cache after the last stream of a torrent closes; off')
            [CompletionResult]::new('--pause-idle', '--pause-idle', [CompletionResultType]::ParameterName, 'The opposite of --keep-downloading')
            [CompletionResult]::new('--readahead-mib', '--readahead-mib', [CompletionResultType]::ParameterName, 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).')
            [CompletionResult]::new('--utp', '--utp', [CompletionResultType]::ParameterName, 'Also use uTP (BitTorrent over UDP) on the listen port.')
            [CompletionResult]::new('--no-utp', '--no-utp', [CompletionResultType]::ParameterName, 'The opposite of --utp')
            [CompletionResult]::new('--disk-reserve-mib', '--disk-reserve-mib', [CompletionResultType]::ParameterName, 'MiB that must stay free on the cache folder''s disk; a download that would leave less')
            [CompletionResult]::new('--download-limit', '--download-limit', [CompletionResultType]::ParameterName, 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or')
            [CompletionResult]::new('--upload-limit', '--upload-limit', [CompletionResultType]::ParameterName, 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0')
            [CompletionResult]::new('--seed-ratio', '--seed-ratio', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent once it uploaded this many times its size (0: no')
            [CompletionResult]::new('--seed-time', '--seed-time', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent after this long, or at the ratio if that comes first')
            [CompletionResult]::new('--prefetch-at', '--prefetch-at', [CompletionResultType]::ParameterName, 'Percent of a playlist entry a stream reads before the next entry''s head and tail are')
            [CompletionResult]::new('--nat', '--nat', [CompletionResultType]::ParameterName, 'NAT detection and port mapping before the first torrent.')
            [CompletionResult]::new('--no-nat', '--no-nat', [CompletionResultType]::ParameterName, 'The opposite of --nat')
            [CompletionResult]::new('--nat-budget', '--nat-budget', [CompletionResultType]::ParameterName, 'The most NAT detection and port mapping may delay the first torrent.')
            [CompletionResult]::new('--map-port', '--map-port', [CompletionResultType]::ParameterName, 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).')
            [CompletionResult]::new('--no-map-port', '--no-map-port', [CompletionResultType]::ParameterName, 'The opposite of --map-port')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Download every file of the torrent')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print NDJSON on stdout: one JSON object per line (progress events, then the result; schema: docs/JSON.md)')
            [CompletionResult]::new('--print-path', '--print-path', [CompletionResultType]::ParameterName, 'Print only the cached file''s path on stdout')
            [CompletionResult]::new('--stdout', '--stdout', [CompletionResultType]::ParameterName, 'Write the file''s bytes to stdout')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;serve' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Listen address of `peerstream serve` (an IP or a name such as localhost, and a port);')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token required on every request (?token= or Authorization: Bearer).')
            [CompletionResult]::new('--allowed-host', '--allowed-host', [CompletionResultType]::ParameterName, 'Host names (besides the bound address, localhost and loopback IPs) that requests may')
            [CompletionResult]::new('--cors-origin', '--cors-origin', [CompletionResultType]::ParameterName, 'Web origins whose pages may read /api/* (repeatable, e.g. http://localhost:3000);')
            [CompletionResult]::new('--p2p', '--p2p', [CompletionResultType]::ParameterName, 'Stream unknown hashes from the swarm; off serves only mock and cached files')
            [CompletionResult]::new('--no-p2p', '--no-p2p', [CompletionResultType]::ParameterName, 'The opposite of --p2p')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'How long a client has from connecting (or from the first byte of a later request) to')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'How long a kept-alive connection may wait for its next request; 0 = no limit.')
            [CompletionResult]::new('--write-timeout', '--write-timeout', [CompletionResultType]::ParameterName, 'How long a response may make no progress because the client stopped reading before')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections served at once; beyond it the longest-waiting idle connection is')
            [CompletionResult]::new('--shutdown-grace', '--shutdown-grace', [CompletionResultType]::ParameterName, 'How long open streams may run on after SIGTERM or Ctrl-C (the listener closes and /ready')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a')
            [CompletionResult]::new('--dht', '--dht', [CompletionResultType]::ParameterName, 'Find peers through the DHT.')
            [CompletionResult]::new('--no-dht', '--no-dht', [CompletionResultType]::ParameterName, 'The opposite of --dht')
            [CompletionResult]::new('--dht-bootstrap', '--dht-bootstrap', [CompletionResultType]::ParameterName, 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.')
            [CompletionResult]::new('--tracker', '--tracker', [CompletionResultType]::ParameterName, 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.')
            [CompletionResult]::new('--no-trackers', '--no-trackers', [CompletionResultType]::ParameterName, 'Use no URL at all (an empty list)')
            [CompletionResult]::new('--lsd', '--lsd', [CompletionResultType]::ParameterName, 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents')
            [CompletionResult]::new('--no-lsd', '--no-lsd', [CompletionResultType]::ParameterName, 'The opposite of --lsd')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Peers to connect to at once (IP:PORT, repeatable).')
            [CompletionResult]::new('--cluster-peer', '--cluster-peer', [CompletionResultType]::ParameterName, 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every')
            [CompletionResult]::new('--metadata-timeout', '--metadata-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a torrent''s metadata.')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'How long a stream or download may receive nothing before it counts as stalled.')
            [CompletionResult]::new('--keep-downloading', '--keep-downloading', [CompletionResultType]::ParameterName, 'Download on into the cache after the last stream of a torrent closes; off')
            [CompletionResult]::new('--pause-idle', '--pause-idle', [CompletionResultType]::ParameterName, 'The opposite of --keep-downloading')
            [CompletionResult]::new('--readahead-mib', '--readahead-mib', [CompletionResultType]::ParameterName, 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).')
            [CompletionResult]::new('--utp', '--utp', [CompletionResultType]::ParameterName, 'Also use uTP (BitTorrent over UDP) on the listen port.')
            [CompletionResult]::new('--no-utp', '--no-utp', [CompletionResultType]::ParameterName, 'The opposite of --utp')
            [CompletionResult]::new('--disk-reserve-mib', '--disk-reserve-mib', [CompletionResultType]::ParameterName, 'MiB that must stay free on the cache folder''s disk; a download that would leave less')
            [CompletionResult]::new('--download-limit', '--download-limit', [CompletionResultType]::ParameterName, 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or')
            [CompletionResult]::new('--upload-limit', '--upload-limit', [CompletionResultType]::ParameterName, 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0')
            [CompletionResult]::new('--seed-ratio', '--seed-ratio', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent once it uploaded this many times its size (0: no')
            [CompletionResult]::new('--seed-time', '--seed-time', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent after this long, or at the ratio if that comes first')
            [CompletionResult]::new('--prefetch-at', '--prefetch-at', [CompletionResultType]::ParameterName, 'Percent of a playlist entry a stream reads before the next entry''s head and tail are')
            [CompletionResult]::new('--nat', '--nat', [CompletionResultType]::ParameterName, 'NAT detection and port mapping before the first torrent.')
            [CompletionResult]::new('--no-nat', '--no-nat', [CompletionResultType]::ParameterName, 'The opposite of --nat')
            [CompletionResult]::new('--nat-budget', '--nat-budget', [CompletionResultType]::ParameterName, 'The most NAT detection and port mapping may delay the first torrent.')
            [CompletionResult]::new('--map-port', '--map-port', [CompletionResultType]::ParameterName, 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).')
            [CompletionResult]::new('--no-map-port', '--no-map-port', [CompletionResultType]::ParameterName, 'The opposite of --map-port')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;config' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration and where each value comes from (default, file, env or flag)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented default config file [default: the platform config path]')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;config;show' {
            [CompletionResult]::new('--bind', '--bind', [CompletionResultType]::ParameterName, 'Listen address of `peerstream serve` (an IP or a name such as localhost, and a port);')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Access token required on every request (?token= or Authorization: Bearer).')
            [CompletionResult]::new('--allowed-host', '--allowed-host', [CompletionResultType]::ParameterName, 'Host names (besides the bound address, localhost and loopback IPs) that requests may')
            [CompletionResult]::new('--cors-origin', '--cors-origin', [CompletionResultType]::ParameterName, 'Web origins whose pages may read /api/* (repeatable, e.g. http://localhost:3000);')
            [CompletionResult]::new('--p2p', '--p2p', [CompletionResultType]::ParameterName, 'Stream unknown hashes from the swarm; off serves only mock and cached files')
            [CompletionResult]::new('--no-p2p', '--no-p2p', [CompletionResultType]::ParameterName, 'The opposite of --p2p')
            [CompletionResult]::new('--header-timeout', '--header-timeout', [CompletionResultType]::ParameterName, 'How long a client has from connecting (or from the first byte of a later request) to')
            [CompletionResult]::new('--idle-timeout', '--idle-timeout', [CompletionResultType]::ParameterName, 'How long a kept-alive connection may wait for its next request; 0 = no limit.')
            [CompletionResult]::new('--write-timeout', '--write-timeout', [CompletionResultType]::ParameterName, 'How long a response may make no progress because the client stopped reading before')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections served at once; beyond it the longest-waiting idle connection is')
            [CompletionResult]::new('--shutdown-grace', '--shutdown-grace', [CompletionResultType]::ParameterName, 'How long open streams may run on after SIGTERM or Ctrl-C (the listener closes and /ready')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a')
            [CompletionResult]::new('--dht', '--dht', [CompletionResultType]::ParameterName, 'Find peers through the DHT.')
            [CompletionResult]::new('--no-dht', '--no-dht', [CompletionResultType]::ParameterName, 'The opposite of --dht')
            [CompletionResult]::new('--dht-bootstrap', '--dht-bootstrap', [CompletionResultType]::ParameterName, 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.')
            [CompletionResult]::new('--tracker', '--tracker', [CompletionResultType]::ParameterName, 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.')
            [CompletionResult]::new('--no-trackers', '--no-trackers', [CompletionResultType]::ParameterName, 'Use no URL at all (an empty list)')
            [CompletionResult]::new('--lsd', '--lsd', [CompletionResultType]::ParameterName, 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents')
            [CompletionResult]::new('--no-lsd', '--no-lsd', [CompletionResultType]::ParameterName, 'The opposite of --lsd')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Peers to connect to at once (IP:PORT, repeatable).')
            [CompletionResult]::new('--cluster-peer', '--cluster-peer', [CompletionResultType]::ParameterName, 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every')
            [CompletionResult]::new('--metadata-timeout', '--metadata-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a torrent''s metadata.')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'How long a stream or download may receive nothing before it counts as stalled.')
            [CompletionResult]::new('--keep-downloading', '--keep-downloading', [CompletionResultType]::ParameterName, 'Download on into the cache after the last stream of a torrent closes; off')
            [CompletionResult]::new('--pause-idle', '--pause-idle', [CompletionResultType]::ParameterName, 'The opposite of --keep-downloading')
            [CompletionResult]::new('--readahead-mib', '--readahead-mib', [CompletionResultType]::ParameterName, 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).')
            [CompletionResult]::new('--utp', '--utp', [CompletionResultType]::ParameterName, 'Also use uTP (BitTorrent over UDP) on the listen port.')
            [CompletionResult]::new('--no-utp', '--no-utp', [CompletionResultType]::ParameterName, 'The opposite of --utp')
            [CompletionResult]::new('--disk-reserve-mib', '--disk-reserve-mib', [CompletionResultType]::ParameterName, 'MiB that must stay free on the cache folder''s disk; a download that would leave less')
            [CompletionResult]::new('--download-limit', '--download-limit', [CompletionResultType]::ParameterName, 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or')
            [CompletionResult]::new('--upload-limit', '--upload-limit', [CompletionResultType]::ParameterName, 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0')
            [CompletionResult]::new('--seed-ratio', '--seed-ratio', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent once it uploaded this many times its size (0: no')
            [CompletionResult]::new('--seed-time', '--seed-time', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent after this long, or at the ratio if that comes first')
            [CompletionResult]::new('--prefetch-at', '--prefetch-at', [CompletionResultType]::ParameterName, 'Percent of a playlist entry a stream reads before the next entry''s head and tail are')
            [CompletionResult]::new('--nat', '--nat', [CompletionResultType]::ParameterName, 'NAT detection and port mapping before the first torrent.')
            [CompletionResult]::new('--no-nat', '--no-nat', [CompletionResultType]::ParameterName, 'The opposite of --nat')
            [CompletionResult]::new('--nat-budget', '--nat-budget', [CompletionResultType]::ParameterName, 'The most NAT detection and port mapping may delay the first torrent.')
            [CompletionResult]::new('--map-port', '--map-port', [CompletionResultType]::ParameterName, 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).')
            [CompletionResult]::new('--no-map-port', '--no-map-port', [CompletionResultType]::ParameterName, 'The opposite of --map-port')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON document on stdout (schema: docs/JSON.md)')
            [CompletionResult]::new('--show-secrets', '--show-secrets', [CompletionResultType]::ParameterName, 'Print secrets (the access token) instead of hiding them')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;config;init' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite an existing file')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration and where each value comes from (default, file, env or flag)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented default config file [default: the platform config path]')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;config;help;show' {
            break
        }
        'peerstream;config;help;init' {
            break
        }
        'peerstream;config;help;help' {
            break
        }
        'peerstream;generate' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions for bash, zsh, fish, elvish and PowerShell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'One man page per command')
            [CompletionResult]::new('all', 'all', [CompletionResultType]::ParameterValue, 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;generate;completions' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;generate;man' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;generate;all' {
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;generate;help' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions for bash, zsh, fish, elvish and PowerShell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'One man page per command')
            [CompletionResult]::new('all', 'all', [CompletionResultType]::ParameterValue, 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;generate;help;completions' {
            break
        }
        'peerstream;generate;help;man' {
            break
        }
        'peerstream;generate;help;all' {
            break
        }
        'peerstream;generate;help;help' {
            break
        }
        'peerstream;play' {
            [CompletionResult]::new('--player', '--player', [CompletionResultType]::ParameterName, 'mpv, vlc, iina, or a command line (shell-style quoting): the URL replaces `{url}` or is appended')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Which file: its index or name [default: the largest video]')
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a')
            [CompletionResult]::new('--dht', '--dht', [CompletionResultType]::ParameterName, 'Find peers through the DHT.')
            [CompletionResult]::new('--no-dht', '--no-dht', [CompletionResultType]::ParameterName, 'The opposite of --dht')
            [CompletionResult]::new('--dht-bootstrap', '--dht-bootstrap', [CompletionResultType]::ParameterName, 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.')
            [CompletionResult]::new('--tracker', '--tracker', [CompletionResultType]::ParameterName, 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.')
            [CompletionResult]::new('--no-trackers', '--no-trackers', [CompletionResultType]::ParameterName, 'Use no URL at all (an empty list)')
            [CompletionResult]::new('--lsd', '--lsd', [CompletionResultType]::ParameterName, 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents')
            [CompletionResult]::new('--no-lsd', '--no-lsd', [CompletionResultType]::ParameterName, 'The opposite of --lsd')
            [CompletionResult]::new('--peer', '--peer', [CompletionResultType]::ParameterName, 'Peers to connect to at once (IP:PORT, repeatable).')
            [CompletionResult]::new('--cluster-peer', '--cluster-peer', [CompletionResultType]::ParameterName, 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every')
            [CompletionResult]::new('--metadata-timeout', '--metadata-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a torrent''s metadata.')
            [CompletionResult]::new('--stall-timeout', '--stall-timeout', [CompletionResultType]::ParameterName, 'How long a stream or download may receive nothing before it counts as stalled.')
            [CompletionResult]::new('--keep-downloading', '--keep-downloading', [CompletionResultType]::ParameterName, 'Download on into the cache after the last stream of a torrent closes; off')
            [CompletionResult]::new('--pause-idle', '--pause-idle', [CompletionResultType]::ParameterName, 'The opposite of --keep-downloading')
            [CompletionResult]::new('--readahead-mib', '--readahead-mib', [CompletionResultType]::ParameterName, 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).')
            [CompletionResult]::new('--utp', '--utp', [CompletionResultType]::ParameterName, 'Also use uTP (BitTorrent over UDP) on the listen port.')
            [CompletionResult]::new('--no-utp', '--no-utp', [CompletionResultType]::ParameterName, 'The opposite of --utp')
            [CompletionResult]::new('--disk-reserve-mib', '--disk-reserve-mib', [CompletionResultType]::ParameterName, 'MiB that must stay free on the cache folder''s disk; a download that would leave less')
            [CompletionResult]::new('--download-limit', '--download-limit', [CompletionResultType]::ParameterName, 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or')
            [CompletionResult]::new('--upload-limit', '--upload-limit', [CompletionResultType]::ParameterName, 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0')
            [CompletionResult]::new('--seed-ratio', '--seed-ratio', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent once it uploaded this many times its size (0: no')
            [CompletionResult]::new('--seed-time', '--seed-time', [CompletionResultType]::ParameterName, 'Stop seeding a finished torrent after this long, or at the ratio if that comes first')
            [CompletionResult]::new('--prefetch-at', '--prefetch-at', [CompletionResultType]::ParameterName, 'Percent of a playlist entry a stream reads before the next entry''s head and tail are')
            [CompletionResult]::new('--nat', '--nat', [CompletionResultType]::ParameterName, 'NAT detection and port mapping before the first torrent.')
            [CompletionResult]::new('--no-nat', '--no-nat', [CompletionResultType]::ParameterName, 'The opposite of --nat')
            [CompletionResult]::new('--nat-budget', '--nat-budget', [CompletionResultType]::ParameterName, 'The most NAT detection and port mapping may delay the first torrent.')
            [CompletionResult]::new('--map-port', '--map-port', [CompletionResultType]::ParameterName, 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).')
            [CompletionResult]::new('--no-map-port', '--no-map-port', [CompletionResultType]::ParameterName, 'The opposite of --map-port')
            [CompletionResult]::new('--cache-dir', '--cache-dir', [CompletionResultType]::ParameterName, 'Cache folder: downloads land here and are served from here.')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).')
            [CompletionResult]::new('--cache-max-size', '--cache-max-size', [CompletionResultType]::ParameterName, 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download')
            [CompletionResult]::new('--cache-min-free', '--cache-min-free', [CompletionResultType]::ParameterName, 'Free space to keep on the cache folder''s disk by evicting least recently used torrents')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log output on stderr (-v debug, -vv trace)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing but the data (errors still go to stderr)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'peerstream;help' {
            [CompletionResult]::new('nat', 'nat', [CompletionResultType]::ParameterValue, 'Diagnose the NAT between you and the internet')
            [CompletionResult]::new('cache', 'cache', [CompletionResultType]::ParameterValue, 'Inspect and check the local cache')
            [CompletionResult]::new('fetch', 'fetch', [CompletionResultType]::ParameterValue, 'Download a torrent into the cache (info-hash, magnet URI or .torrent file)')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Serve streams over HTTP: GET /stream/proxy/:infoHash')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show the effective configuration or write a default config file')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Write shell completions and man pages generated from this command line')
            [CompletionResult]::new('play', 'play', [CompletionResultType]::ParameterValue, 'Play a target in a video player through a private server on loopback')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'peerstream;help;nat' {
            [CompletionResult]::new('detect', 'detect', [CompletionResultType]::ParameterValue, 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP')
            [CompletionResult]::new('map', 'map', [CompletionResultType]::ParameterValue, 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)')
            [CompletionResult]::new('unmap', 'unmap', [CompletionResultType]::ParameterValue, 'Remove port mappings made by `nat map`')
            break
        }
        'peerstream;help;nat;detect' {
            break
        }
        'peerstream;help;nat;map' {
            break
        }
        'peerstream;help;nat;unmap' {
            break
        }
        'peerstream;help;cache' {
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List cached files with their state')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Re-check cached files; exits non-zero when any is not complete and valid')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Remove torrents from the cache (refused while a stream or download uses one)')
            [CompletionResult]::new('pin', 'pin', [CompletionResultType]::ParameterValue, 'Keep a torrent in the cache: never evicted')
            [CompletionResult]::new('unpin', 'unpin', [CompletionResultType]::ParameterValue, 'Let a pinned torrent be evicted again')
            [CompletionResult]::new('gc', 'gc', [CompletionResultType]::ParameterValue, 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free')
            break
        }
        'peerstream;help;cache;ls' {
            break
        }
        'peerstream;help;cache;verify' {
            break
        }
        'peerstream;help;cache;rm' {
            break
        }
        'peerstream;help;cache;pin' {
            break
        }
        'peerstream;help;cache;unpin' {
            break
        }
        'peerstream;help;cache;gc' {
            break
        }
        'peerstream;help;fetch' {
            break
        }
        'peerstream;help;serve' {
            break
        }
        'peerstream;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Print the effective configuration and where each value comes from (default, file, env or flag)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Write a commented default config file [default: the platform config path]')
            break
        }
        'peerstream;help;config;show' {
            break
        }
        'peerstream;help;config;init' {
            break
        }
        'peerstream;help;generate' {
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Shell completions for bash, zsh, fish, elvish and PowerShell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'One man page per command')
            [CompletionResult]::new('all', 'all', [CompletionResultType]::ParameterValue, 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md')
            break
        }
        'peerstream;help;generate;completions' {
            break
        }
        'peerstream;help;generate;man' {
            break
        }
        'peerstream;help;generate;all' {
            break
        }
        'peerstream;help;play' {
            break
        }
        'peerstream;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
