
use builtin;
use str;

set edit:completion:arg-completer[peerstream] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'peerstream'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'peerstream'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand nat 'Diagnose the NAT between you and the internet'
            cand cache 'Inspect and check the local cache'
            cand fetch 'Download a torrent into the cache (info-hash, magnet URI or .torrent file)'
            cand serve 'Serve streams over HTTP: GET /stream/proxy/:infoHash'
            cand config 'Show the effective configuration or write a default config file'
            cand generate 'Write shell completions and man pages generated from this command line'
            cand play 'Play a target in a video player through a private server on loopback'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;nat'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand detect 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP'
            cand map 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)'
            cand unmap 'Remove port mappings made by `nat map`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;nat;detect'= {
            cand --stun 'STUN server (repeatable; tried in order, RFC 5780 servers preferred) [default: the setting nat.stun_servers]'
            cand --timeout 'How long a request that should be answered may take, retransmissions included (seconds, or with a unit: 500ms) [default: 3]'
            cand --port 'The torrent port that the advice talks about [default: the setting p2p.listen_port]'
            cand --turn 'Also check that this TURN relay grants an allocation, and show the relayed address'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --no-hairpin 'Skip the hairpinning test'
            cand --no-port-mapping 'Do not probe UPnP-IGD, NAT-PMP and PCP on the gateway'
            cand --json 'Print one JSON document on stdout (schema: docs/JSON-nat.md)'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;nat;map'= {
            cand --port 'Local port to map; the same external port is asked for [default: the setting p2p.listen_port]'
            cand --protocol 'Which transport to map'
            cand --method 'Which port-mapping protocol to use'
            cand --lifetime 'Lease to ask for (seconds, or with a unit: 2h) [default: 3600]'
            cand --gateway 'Gateway for PCP and NAT-PMP [default: the default route''s]'
            cand --timeout 'Budget of each protocol''s attempt [default: 2]'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --hold 'Stay in the foreground renewing the lease; remove the mapping on Ctrl-C'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;nat;unmap'= {
            cand --port 'Only the mappings of this local port [default: every mapping `nat map` recorded]'
            cand --timeout 'Budget of each removal [default: 2]'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;nat;help'= {
            cand detect 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP'
            cand map 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)'
            cand unmap 'Remove port mappings made by `nat map`'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;nat;help;detect'= {
        }
        &'peerstream;nat;help;map'= {
        }
        &'peerstream;nat;help;unmap'= {
        }
        &'peerstream;nat;help;help'= {
        }
        &'peerstream;cache'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand ls 'List cached files with their state'
            cand verify 'Re-check cached files; exits non-zero when any is not complete and valid'
            cand rm 'Remove torrents from the cache (refused while a stream or download uses one)'
            cand pin 'Keep a torrent in the cache: never evicted'
            cand unpin 'Let a pinned torrent be evicted again'
            cand gc 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;cache;ls'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;cache;verify'= {
            cand --port 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a'
            cand --dht 'Find peers through the DHT.'
            cand --no-dht 'The opposite of --dht'
            cand --dht-bootstrap 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.'
            cand --tracker 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.'
            cand --no-trackers 'Use no URL at all (an empty list)'
            cand --lsd 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents'
            cand --no-lsd 'The opposite of --lsd'
            cand --peer 'Peers to connect to at once (IP:PORT, repeatable).'
            cand --cluster-peer 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every'
            cand --metadata-timeout 'How long to wait for a torrent''s metadata.'
            cand --stall-timeout 'How long a stream or download may receive nothing before it counts as stalled.'
            cand --keep-downloading 'Download on into the cache after the last stream of a torrent closes; off'
            cand --pause-idle 'The opposite of --keep-downloading'
            cand --readahead-mib 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).'
            cand --utp 'Also use uTP (BitTorrent over UDP) on the listen port.'
            cand --no-utp 'The opposite of --utp'
            cand --disk-reserve-mib 'MiB that must stay free on the cache folder''s disk; a download that would leave less'
            cand --download-limit 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or'
            cand --upload-limit 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0'
            cand --seed-ratio 'Stop seeding a finished torrent once it uploaded this many times its size (0: no'
            cand --seed-time 'Stop seeding a finished torrent after this long, or at the ratio if that comes first'
            cand --prefetch-at 'Percent of a playlist entry a stream reads before the next entry''s head and tail are'
            cand --nat 'NAT detection and port mapping before the first torrent.'
            cand --no-nat 'The opposite of --nat'
            cand --nat-budget 'The most NAT detection and port mapping may delay the first torrent.'
            cand --map-port 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).'
            cand --no-map-port 'The opposite of --map-port'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --repair 'Download corrupt pieces again from the swarm'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;cache;rm'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;cache;pin'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;cache;unpin'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;cache;gc'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --dry-run 'Only print what would be evicted'
            cand --json 'Print one JSON document on stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;cache;help'= {
            cand ls 'List cached files with their state'
            cand verify 'Re-check cached files; exits non-zero when any is not complete and valid'
            cand rm 'Remove torrents from the cache (refused while a stream or download uses one)'
            cand pin 'Keep a torrent in the cache: never evicted'
            cand unpin 'Let a pinned torrent be evicted again'
            cand gc 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;cache;help;ls'= {
        }
        &'peerstream;cache;help;verify'= {
        }
        &'peerstream;cache;help;rm'= {
        }
        &'peerstream;cache;help;pin'= {
        }
        &'peerstream;cache;help;unpin'= {
        }
        &'peerstream;cache;help;gc'= {
        }
        &'peerstream;cache;help;help'= {
        }
        &'peerstream;fetch'= {
            cand --file 'Which file: its index or name [default: the largest video]'
            cand --port 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a'
            cand --dht 'Find peers through the DHT.'
            cand --no-dht 'The opposite of --dht'
            cand --dht-bootstrap 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.'
            cand --tracker 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.'
            cand --no-trackers 'Use no URL at all (an empty list)'
            cand --lsd 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents'
            cand --no-lsd 'The opposite of --lsd'
            cand --peer 'Peers to connect to at once (IP:PORT, repeatable).'
            cand --cluster-peer 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every'
            cand --metadata-timeout 'How long to wait for a torrent''s metadata.'
            cand --stall-timeout 'How long a stream or download may receive nothing before it counts as stalled.'
            cand --keep-downloading 'Download on into the cache after the last stream of a torrent closes; off'
            cand --pause-idle 'The opposite of --keep-downloading'
            cand --readahead-mib 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).'
            cand --utp 'Also use uTP (BitTorrent over UDP) on the listen port.'
            cand --no-utp 'The opposite of --utp'
            cand --disk-reserve-mib 'MiB that must stay free on the cache folder''s disk; a download that would leave less'
            cand --download-limit 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or'
            cand --upload-limit 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0'
            cand --seed-ratio 'Stop seeding a finished torrent once it uploaded this many times its size (0: no'
            cand --seed-time 'Stop seeding a finished torrent after this long, or at the ratio if that comes first'
            cand --prefetch-at 'Percent of a playlist entry a stream reads before the next entry''s head and tail are'
            cand --nat 'NAT detection and port mapping before the first torrent.'
            cand --no-nat 'The opposite of --nat'
            cand --nat-budget 'The most NAT detection and port mapping may delay the first torrent.'
            cand --map-port 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).'
            cand --no-map-port 'The opposite of --map-port'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --all 'Download every file of the torrent'
            cand --json 'Print NDJSON on stdout: one JSON object per line (progress events, then the result; schema: docs/JSON.md)'
            cand --print-path 'Print only the cached file''s path on stdout'
            cand --stdout 'Write the file''s bytes to stdout'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;serve'= {
            cand --bind 'Listen address of `peerstream serve` (an IP or a name such as localhost, and a port);'
            cand --token 'Access token required on every request (?token= or Authorization: Bearer).'
            cand --allowed-host 'Host names (besides the bound address, localhost and loopback IPs) that requests may'
            cand --cors-origin 'Web origins whose pages may read /api/* (repeatable, e.g. http://localhost:3000);'
            cand --p2p 'Stream unknown hashes from the swarm; off serves only mock and cached files'
            cand --no-p2p 'The opposite of --p2p'
            cand --header-timeout 'How long a client has from connecting (or from the first byte of a later request) to'
            cand --idle-timeout 'How long a kept-alive connection may wait for its next request; 0 = no limit.'
            cand --write-timeout 'How long a response may make no progress because the client stopped reading before'
            cand --max-connections 'Most connections served at once; beyond it the longest-waiting idle connection is'
            cand --shutdown-grace 'How long open streams may run on after SIGTERM or Ctrl-C (the listener closes and /ready'
            cand --port 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a'
            cand --dht 'Find peers through the DHT.'
            cand --no-dht 'The opposite of --dht'
            cand --dht-bootstrap 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.'
            cand --tracker 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.'
            cand --no-trackers 'Use no URL at all (an empty list)'
            cand --lsd 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents'
            cand --no-lsd 'The opposite of --lsd'
            cand --peer 'Peers to connect to at once (IP:PORT, repeatable).'
            cand --cluster-peer 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every'
            cand --metadata-timeout 'How long to wait for a torrent''s metadata.'
            cand --stall-timeout 'How long a stream or download may receive nothing before it counts as stalled.'
            cand --keep-downloading 'Download on into the cache after the last stream of a torrent closes; off'
            cand --pause-idle 'The opposite of --keep-downloading'
            cand --readahead-mib 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).'
            cand --utp 'Also use uTP (BitTorrent over UDP) on the listen port.'
            cand --no-utp 'The opposite of --utp'
            cand --disk-reserve-mib 'MiB that must stay free on the cache folder''s disk; a download that would leave less'
            cand --download-limit 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or'
            cand --upload-limit 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0'
            cand --seed-ratio 'Stop seeding a finished torrent once it uploaded this many times its size (0: no'
            cand --seed-time 'Stop seeding a finished torrent after this long, or at the ratio if that comes first'
            cand --prefetch-at 'Percent of a playlist entry a stream reads before the next entry''s head and tail are'
            cand --nat 'NAT detection and port mapping before the first torrent.'
            cand --no-nat 'The opposite of --nat'
            cand --nat-budget 'The most NAT detection and port mapping may delay the first torrent.'
            cand --map-port 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).'
            cand --no-map-port 'The opposite of --map-port'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;config'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Print the effective configuration and where each value comes from (default, file, env or flag)'
            cand init 'Write a commented default config file [default: the platform config path]'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;config;show'= {
            cand --bind 'Listen address of `peerstream serve` (an IP or a name such as localhost, and a port);'
            cand --token 'Access token required on every request (?token= or Authorization: Bearer).'
            cand --allowed-host 'Host names (besides the bound address, localhost and loopback IPs) that requests may'
            cand --cors-origin 'Web origins whose pages may read /api/* (repeatable, e.g. http://localhost:3000);'
            cand --p2p 'Stream unknown hashes from the swarm; off serves only mock and cached files'
            cand --no-p2p 'The opposite of --p2p'
            cand --header-timeout 'How long a client has from connecting (or from the first byte of a later request) to'
            cand --idle-timeout 'How long a kept-alive connection may wait for its next request; 0 = no limit.'
            cand --write-timeout 'How long a response may make no progress because the client stopped reading before'
            cand --max-connections 'Most connections served at once; beyond it the longest-waiting idle connection is'
            cand --shutdown-grace 'How long open streams may run on after SIGTERM or Ctrl-C (the listener closes and /ready'
            cand --port 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a'
            cand --dht 'Find peers through the DHT.'
            cand --no-dht 'The opposite of --dht'
            cand --dht-bootstrap 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.'
            cand --tracker 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.'
            cand --no-trackers 'Use no URL at all (an empty list)'
            cand --lsd 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents'
            cand --no-lsd 'The opposite of --lsd'
            cand --peer 'Peers to connect to at once (IP:PORT, repeatable).'
            cand --cluster-peer 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every'
            cand --metadata-timeout 'How long to wait for a torrent''s metadata.'
            cand --stall-timeout 'How long a stream or download may receive nothing before it counts as stalled.'
            cand --keep-downloading 'Download on into the cache after the last stream of a torrent closes; off'
            cand --pause-idle 'The opposite of --keep-downloading'
            cand --readahead-mib 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).'
            cand --utp 'Also use uTP (BitTorrent over UDP) on the listen port.'
            cand --no-utp 'The opposite of --utp'
            cand --disk-reserve-mib 'MiB that must stay free on the cache folder''s disk; a download that would leave less'
            cand --download-limit 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or'
            cand --upload-limit 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0'
            cand --seed-ratio 'Stop seeding a finished torrent once it uploaded this many times its size (0: no'
            cand --seed-time 'Stop seeding a finished torrent after this long, or at the ratio if that comes first'
            cand --prefetch-at 'Percent of a playlist entry a stream reads before the next entry''s head and tail are'
            cand --nat 'NAT detection and port mapping before the first torrent.'
            cand --no-nat 'The opposite of --nat'
            cand --nat-budget 'The most NAT detection and port mapping may delay the first torrent.'
            cand --map-port 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).'
            cand --no-map-port 'The opposite of --map-port'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --json 'Print one JSON document on stdout (schema: docs/JSON.md)'
            cand --show-secrets 'Print secrets (the access token) instead of hiding them'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;config;init'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand --force 'Overwrite an existing file'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;config;help'= {
            cand show 'Print the effective configuration and where each value comes from (default, file, env or flag)'
            cand init 'Write a commented default config file [default: the platform config path]'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;config;help;show'= {
        }
        &'peerstream;config;help;init'= {
        }
        &'peerstream;config;help;help'= {
        }
        &'peerstream;generate'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand completions 'Shell completions for bash, zsh, fish, elvish and PowerShell'
            cand man 'One man page per command'
            cand all 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;generate;completions'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;generate;man'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;generate;all'= {
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;generate;help'= {
            cand completions 'Shell completions for bash, zsh, fish, elvish and PowerShell'
            cand man 'One man page per command'
            cand all 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;generate;help;completions'= {
        }
        &'peerstream;generate;help;man'= {
        }
        &'peerstream;generate;help;all'= {
        }
        &'peerstream;generate;help;help'= {
        }
        &'peerstream;play'= {
            cand --player 'mpv, vlc, iina, or a command line (shell-style quoting): the URL replaces `{url}` or is appended'
            cand --file 'Which file: its index or name [default: the largest video]'
            cand --port 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a'
            cand --dht 'Find peers through the DHT.'
            cand --no-dht 'The opposite of --dht'
            cand --dht-bootstrap 'DHT bootstrap nodes (HOST:PORT); empty: librqbit''s built-in list.'
            cand --tracker 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.'
            cand --no-trackers 'Use no URL at all (an empty list)'
            cand --lsd 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents'
            cand --no-lsd 'The opposite of --lsd'
            cand --peer 'Peers to connect to at once (IP:PORT, repeatable).'
            cand --cluster-peer 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every'
            cand --metadata-timeout 'How long to wait for a torrent''s metadata.'
            cand --stall-timeout 'How long a stream or download may receive nothing before it counts as stalled.'
            cand --keep-downloading 'Download on into the cache after the last stream of a torrent closes; off'
            cand --pause-idle 'The opposite of --keep-downloading'
            cand --readahead-mib 'MiB ahead of the playhead fetched first (librqbit''s own window is 32).'
            cand --utp 'Also use uTP (BitTorrent over UDP) on the listen port.'
            cand --no-utp 'The opposite of --utp'
            cand --disk-reserve-mib 'MiB that must stay free on the cache folder''s disk; a download that would leave less'
            cand --download-limit 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or'
            cand --upload-limit 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0'
            cand --seed-ratio 'Stop seeding a finished torrent once it uploaded this many times its size (0: no'
            cand --seed-time 'Stop seeding a finished torrent after this long, or at the ratio if that comes first'
            cand --prefetch-at 'Percent of a playlist entry a stream reads before the next entry''s head and tail are'
            cand --nat 'NAT detection and port mapping before the first torrent.'
            cand --no-nat 'The opposite of --nat'
            cand --nat-budget 'The most NAT detection and port mapping may delay the first torrent.'
            cand --map-port 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).'
            cand --no-map-port 'The opposite of --map-port'
            cand --cache-dir 'Cache folder: downloads land here and are served from here.'
            cand --color 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).'
            cand --cache-max-size 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download'
            cand --cache-min-free 'Free space to keep on the cache folder''s disk by evicting least recently used torrents'
            cand --config 'Config file (TOML) [default: the platform config folder''s peerstream/config.toml]'
            cand -v 'More log output on stderr (-v debug, -vv trace)'
            cand --verbose 'More log output on stderr (-v debug, -vv trace)'
            cand -q 'Print nothing but the data (errors still go to stderr)'
            cand --quiet 'Print nothing but the data (errors still go to stderr)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'peerstream;help'= {
            cand nat 'Diagnose the NAT between you and the internet'
            cand cache 'Inspect and check the local cache'
            cand fetch 'Download a torrent into the cache (info-hash, magnet URI or .torrent file)'
            cand serve 'Serve streams over HTTP: GET /stream/proxy/:infoHash'
            cand config 'Show the effective configuration or write a default config file'
            cand generate 'Write shell completions and man pages generated from this command line'
            cand play 'Play a target in a video player through a private server on loopback'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'peerstream;help;nat'= {
            cand detect 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP'
            cand map 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)'
            cand unmap 'Remove port mappings made by `nat map`'
        }
        &'peerstream;help;nat;detect'= {
        }
        &'peerstream;help;nat;map'= {
        }
        &'peerstream;help;nat;unmap'= {
        }
        &'peerstream;help;cache'= {
            cand ls 'List cached files with their state'
            cand verify 'Re-check cached files; exits non-zero when any is not complete and valid'
            cand rm 'Remove torrents from the cache (refused while a stream or download uses one)'
            cand pin 'Keep a torrent in the cache: never evicted'
            cand unpin 'Let a pinned torrent be evicted again'
            cand gc 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free'
        }
        &'peerstream;help;cache;ls'= {
        }
        &'peerstream;help;cache;verify'= {
        }
        &'peerstream;help;cache;rm'= {
        }
        &'peerstream;help;cache;pin'= {
        }
        &'peerstream;help;cache;unpin'= {
        }
        &'peerstream;help;cache;gc'= {
        }
        &'peerstream;help;fetch'= {
        }
        &'peerstream;help;serve'= {
        }
        &'peerstream;help;config'= {
            cand show 'Print the effective configuration and where each value comes from (default, file, env or flag)'
            cand init 'Write a commented default config file [default: the platform config path]'
        }
        &'peerstream;help;config;show'= {
        }
        &'peerstream;help;config;init'= {
        }
        &'peerstream;help;generate'= {
            cand completions 'Shell completions for bash, zsh, fish, elvish and PowerShell'
            cand man 'One man page per command'
            cand all 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md'
        }
        &'peerstream;help;generate;completions'= {
        }
        &'peerstream;help;generate;man'= {
        }
        &'peerstream;help;generate;all'= {
        }
        &'peerstream;help;play'= {
        }
        &'peerstream;help;help'= {
        }
    ]
    $completions[$command]
}
