# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_peerstream_global_optspecs
    string join \n cache-dir= color= cache-max-size= cache-min-free= config= v/verbose q/quiet h/help V/version
end

function __fish_peerstream_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_peerstream_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_peerstream_using_subcommand
    set -l cmd (__fish_peerstream_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c peerstream -n "__fish_peerstream_needs_command" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_needs_command" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_needs_command" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_needs_command" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_needs_command" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_needs_command" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_needs_command" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_needs_command" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "nat" -d 'Diagnose the NAT between you and the internet'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "cache" -d 'Inspect and check the local cache'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "fetch" -d 'Download a torrent into the cache (info-hash, magnet URI or .torrent file)'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "serve" -d 'Serve streams over HTTP: GET /stream/proxy/:infoHash'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "config" -d 'Show the effective configuration or write a default config file'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "generate" -d 'Write shell completions and man pages generated from this command line'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "play" -d 'Play a target in a video player through a private server on loopback'
complete -c peerstream -n "__fish_peerstream_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -f -a "detect" -d 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -f -a "map" -d 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -f -a "unmap" -d 'Remove port mappings made by `nat map`'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and not __fish_seen_subcommand_from detect map unmap help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l stun -d 'STUN server (repeatable; tried in order, RFC 5780 servers preferred) [default: the setting nat.stun_servers]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l timeout -d 'How long a request that should be answered may take, retransmissions included (seconds, or with a unit: 500ms) [default: 3]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l port -d 'The torrent port that the advice talks about [default: the setting p2p.listen_port]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l turn -d 'Also check that this TURN relay grants an allocation, and show the relayed address' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l no-hairpin -d 'Skip the hairpinning test'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l no-port-mapping -d 'Do not probe UPnP-IGD, NAT-PMP and PCP on the gateway'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -l json -d 'Print one JSON document on stdout (schema: docs/JSON-nat.md)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from detect" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l port -d 'Local port to map; the same external port is asked for [default: the setting p2p.listen_port]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l protocol -d 'Which transport to map' -r -f -a "tcp\t''
udp\t''
both\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l method -d 'Which port-mapping protocol to use' -r -f -a "auto\t'UPnP-IGD, then PCP, then NAT-PMP'
upnp\t''
pcp\t''
nat-pmp\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l lifetime -d 'Lease to ask for (seconds, or with a unit: 2h) [default: 3600]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l gateway -d 'Gateway for PCP and NAT-PMP [default: the default route\'s]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l timeout -d 'Budget of each protocol\'s attempt [default: 2]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l hold -d 'Stay in the foreground renewing the lease; remove the mapping on Ctrl-C'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from map" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l port -d 'Only the mappings of this local port [default: every mapping `nat map` recorded]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l timeout -d 'Budget of each removal [default: 2]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from unmap" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from help" -f -a "detect" -d 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from help" -f -a "map" -d 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from help" -f -a "unmap" -d 'Remove port mappings made by `nat map`'
complete -c peerstream -n "__fish_peerstream_using_subcommand nat; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -f -a "ls" -d 'List cached files with their state'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -f -a "verify" -d 'Re-check cached files; exits non-zero when any is not complete and valid'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -f -a "rm" -d 'Remove torrents from the cache (refused while a stream or download uses one)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -f -a "pin" -d 'Keep a torrent in the cache: never evicted'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -f -a "unpin" -d 'Let a pinned torrent be evicted again'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -f -a "gc" -d 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and not __fish_seen_subcommand_from ls verify rm pin unpin gc help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from ls" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l port -d 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l dht -d 'Find peers through the DHT.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l no-dht -d 'The opposite of --dht' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l dht-bootstrap -d 'DHT bootstrap nodes (HOST:PORT); empty: librqbit\'s built-in list.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l tracker -d 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l no-trackers -d 'Use no URL at all (an empty list)' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l lsd -d 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l no-lsd -d 'The opposite of --lsd' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l peer -d 'Peers to connect to at once (IP:PORT, repeatable).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l cluster-peer -d 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l metadata-timeout -d 'How long to wait for a torrent\'s metadata.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l stall-timeout -d 'How long a stream or download may receive nothing before it counts as stalled.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l keep-downloading -d 'Download on into the cache after the last stream of a torrent closes; off' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l pause-idle -d 'The opposite of --keep-downloading' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l readahead-mib -d 'MiB ahead of the playhead fetched first (librqbit\'s own window is 32).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l utp -d 'Also use uTP (BitTorrent over UDP) on the listen port.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l no-utp -d 'The opposite of --utp' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l disk-reserve-mib -d 'MiB that must stay free on the cache folder\'s disk; a download that would leave less' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l download-limit -d 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l upload-limit -d 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l seed-ratio -d 'Stop seeding a finished torrent once it uploaded this many times its size (0: no' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l seed-time -d 'Stop seeding a finished torrent after this long, or at the ratio if that comes first' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l prefetch-at -d 'Percent of a playlist entry a stream reads before the next entry\'s head and tail are' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l nat -d 'NAT detection and port mapping before the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l no-nat -d 'The opposite of --nat' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l nat-budget -d 'The most NAT detection and port mapping may delay the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l map-port -d 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l no-map-port -d 'The opposite of --map-port' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l repair -d 'Download corrupt pieces again from the swarm'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from verify" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from rm" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from pin" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from unpin" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -l dry-run -d 'Only print what would be evicted'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -l json -d 'Print one JSON document on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from gc" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "ls" -d 'List cached files with their state'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Re-check cached files; exits non-zero when any is not complete and valid'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "rm" -d 'Remove torrents from the cache (refused while a stream or download uses one)'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "pin" -d 'Keep a torrent in the cache: never evicted'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "unpin" -d 'Let a pinned torrent be evicted again'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "gc" -d 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free'
complete -c peerstream -n "__fish_peerstream_using_subcommand cache; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l file -d 'Which file: its index or name [default: the largest video]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l port -d 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l dht -d 'Find peers through the DHT.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l no-dht -d 'The opposite of --dht' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l dht-bootstrap -d 'DHT bootstrap nodes (HOST:PORT); empty: librqbit\'s built-in list.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l tracker -d 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l no-trackers -d 'Use no URL at all (an empty list)' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l lsd -d 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l no-lsd -d 'The opposite of --lsd' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l peer -d 'Peers to connect to at once (IP:PORT, repeatable).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l cluster-peer -d 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l metadata-timeout -d 'How long to wait for a torrent\'s metadata.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l stall-timeout -d 'How long a stream or download may receive nothing before it counts as stalled.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l keep-downloading -d 'Download on into the cache after the last stream of a torrent closes; off' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l pause-idle -d 'The opposite of --keep-downloading' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l readahead-mib -d 'MiB ahead of the playhead fetched first (librqbit\'s own window is 32).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l utp -d 'Also use uTP (BitTorrent over UDP) on the listen port.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l no-utp -d 'The opposite of --utp' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l disk-reserve-mib -d 'MiB that must stay free on the cache folder\'s disk; a download that would leave less' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l download-limit -d 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l upload-limit -d 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l seed-ratio -d 'Stop seeding a finished torrent once it uploaded this many times its size (0: no' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l seed-time -d 'Stop seeding a finished torrent after this long, or at the ratio if that comes first' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l prefetch-at -d 'Percent of a playlist entry a stream reads before the next entry\'s head and tail are' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l nat -d 'NAT detection and port mapping before the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l no-nat -d 'The opposite of --nat' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l nat-budget -d 'The most NAT detection and port mapping may delay the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l map-port -d 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l no-map-port -d 'The opposite of --map-port' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l all -d 'Download every file of the torrent'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l json -d 'Print NDJSON on stdout: one JSON object per line (progress events, then the result; schema: docs/JSON.md)'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l print-path -d 'Print only the cached file\'s path on stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -l stdout -d 'Write the file\'s bytes to stdout'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand fetch" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l bind -d 'Listen address of `peerstream serve` (an IP or a name such as localhost, and a port);' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l token -d 'Access token required on every request (?token= or Authorization: Bearer).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l allowed-host -d 'Host names (besides the bound address, localhost and loopback IPs) that requests may' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l cors-origin -d 'Web origins whose pages may read /api/* (repeatable, e.g. http://localhost:3000);' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l p2p -d 'Stream unknown hashes from the swarm; off serves only mock and cached files' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l no-p2p -d 'The opposite of --p2p' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l header-timeout -d 'How long a client has from connecting (or from the first byte of a later request) to' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l idle-timeout -d 'How long a kept-alive connection may wait for its next request; 0 = no limit.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l write-timeout -d 'How long a response may make no progress because the client stopped reading before' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l max-connections -d 'Most connections served at once; beyond it the longest-waiting idle connection is' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l shutdown-grace -d 'How long open streams may run on after SIGTERM or Ctrl-C (the listener closes and /ready' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l port -d 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l dht -d 'Find peers through the DHT.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l no-dht -d 'The opposite of --dht' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l dht-bootstrap -d 'DHT bootstrap nodes (HOST:PORT); empty: librqbit\'s built-in list.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l tracker -d 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l no-trackers -d 'Use no URL at all (an empty list)' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l lsd -d 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l no-lsd -d 'The opposite of --lsd' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l peer -d 'Peers to connect to at once (IP:PORT, repeatable).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l cluster-peer -d 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l metadata-timeout -d 'How long to wait for a torrent\'s metadata.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l stall-timeout -d 'How long a stream or download may receive nothing before it counts as stalled.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l keep-downloading -d 'Download on into the cache after the last stream of a torrent closes; off' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l pause-idle -d 'The opposite of --keep-downloading' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l readahead-mib -d 'MiB ahead of the playhead fetched first (librqbit\'s own window is 32).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l utp -d 'Also use uTP (BitTorrent over UDP) on the listen port.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l no-utp -d 'The opposite of --utp' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l disk-reserve-mib -d 'MiB that must stay free on the cache folder\'s disk; a download that would leave less' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l download-limit -d 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l upload-limit -d 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l seed-ratio -d 'Stop seeding a finished torrent once it uploaded this many times its size (0: no' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l seed-time -d 'Stop seeding a finished torrent after this long, or at the ratio if that comes first' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l prefetch-at -d 'Percent of a playlist entry a stream reads before the next entry\'s head and tail are' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l nat -d 'NAT detection and port mapping before the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l no-nat -d 'The opposite of --nat' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l nat-budget -d 'The most NAT detection and port mapping may delay the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l map-port -d 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l no-map-port -d 'The opposite of --map-port' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand serve" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -f -a "show" -d 'Print the effective configuration and where each value comes from (default, file, env or flag)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -f -a "init" -d 'Write a commented default config file [default: the platform config path]'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and not __fish_seen_subcommand_from show init help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l bind -d 'Listen address of `peerstream serve` (an IP or a name such as localhost, and a port);' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l token -d 'Access token required on every request (?token= or Authorization: Bearer).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l allowed-host -d 'Host names (besides the bound address, localhost and loopback IPs) that requests may' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l cors-origin -d 'Web origins whose pages may read /api/* (repeatable, e.g. http://localhost:3000);' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l p2p -d 'Stream unknown hashes from the swarm; off serves only mock and cached files' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l no-p2p -d 'The opposite of --p2p' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l header-timeout -d 'How long a client has from connecting (or from the first byte of a later request) to' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l idle-timeout -d 'How long a kept-alive connection may wait for its next request; 0 = no limit.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l write-timeout -d 'How long a response may make no progress because the client stopped reading before' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l max-connections -d 'Most connections served at once; beyond it the longest-waiting idle connection is' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l shutdown-grace -d 'How long open streams may run on after SIGTERM or Ctrl-C (the listener closes and /ready' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l port -d 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l dht -d 'Find peers through the DHT.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l no-dht -d 'The opposite of --dht' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l dht-bootstrap -d 'DHT bootstrap nodes (HOST:PORT); empty: librqbit\'s built-in list.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l tracker -d 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l no-trackers -d 'Use no URL at all (an empty list)' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l lsd -d 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l no-lsd -d 'The opposite of --lsd' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l peer -d 'Peers to connect to at once (IP:PORT, repeatable).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l cluster-peer -d 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l metadata-timeout -d 'How long to wait for a torrent\'s metadata.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l stall-timeout -d 'How long a stream or download may receive nothing before it counts as stalled.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l keep-downloading -d 'Download on into the cache after the last stream of a torrent closes; off' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l pause-idle -d 'The opposite of --keep-downloading' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l readahead-mib -d 'MiB ahead of the playhead fetched first (librqbit\'s own window is 32).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l utp -d 'Also use uTP (BitTorrent over UDP) on the listen port.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l no-utp -d 'The opposite of --utp' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l disk-reserve-mib -d 'MiB that must stay free on the cache folder\'s disk; a download that would leave less' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l download-limit -d 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l upload-limit -d 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l seed-ratio -d 'Stop seeding a finished torrent once it uploaded this many times its size (0: no' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l seed-time -d 'Stop seeding a finished torrent after this long, or at the ratio if that comes first' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l prefetch-at -d 'Percent of a playlist entry a stream reads before the next entry\'s head and tail are' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l nat -d 'NAT detection and port mapping before the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l no-nat -d 'The opposite of --nat' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l nat-budget -d 'The most NAT detection and port mapping may delay the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l map-port -d 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l no-map-port -d 'The opposite of --map-port' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print one JSON document on stdout (schema: docs/JSON.md)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -l show-secrets -d 'Print secrets (the access token) instead of hiding them'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -l force -d 'Overwrite an existing file'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from init" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print the effective configuration and where each value comes from (default, file, env or flag)'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "init" -d 'Write a commented default config file [default: the platform config path]'
complete -c peerstream -n "__fish_peerstream_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -f -a "completions" -d 'Shell completions for bash, zsh, fish, elvish and PowerShell'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -f -a "man" -d 'One man page per command'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -f -a "all" -d 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and not __fish_seen_subcommand_from completions man all help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from completions" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from man" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from all" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "completions" -d 'Shell completions for bash, zsh, fish, elvish and PowerShell'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "man" -d 'One man page per command'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "all" -d 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md'
complete -c peerstream -n "__fish_peerstream_using_subcommand generate; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l player -d 'mpv, vlc, iina, or a command line (shell-style quoting): the URL replaces `{url}` or is appended' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l file -d 'Which file: its index or name [default: the largest video]' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l port -d 'Torrent listen port (TCP, and UDP for the DHT; with --utp, UDP for uTP and the DHT on a' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l dht -d 'Find peers through the DHT.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l no-dht -d 'The opposite of --dht' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l dht-bootstrap -d 'DHT bootstrap nodes (HOST:PORT); empty: librqbit\'s built-in list.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l tracker -d 'Tracker announce URLs (repeatable); replaces the built-in list; --no-trackers for none.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l no-trackers -d 'Use no URL at all (an empty list)' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l lsd -d 'Local service discovery (multicast on the LAN); `serve` then seeds its cached torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l no-lsd -d 'The opposite of --lsd' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l peer -d 'Peers to connect to at once (IP:PORT, repeatable).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l cluster-peer -d 'Torrent ports of the other nodes of a cluster (HOST:PORT, repeatable): peers of every' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l metadata-timeout -d 'How long to wait for a torrent\'s metadata.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l stall-timeout -d 'How long a stream or download may receive nothing before it counts as stalled.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l keep-downloading -d 'Download on into the cache after the last stream of a torrent closes; off' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l pause-idle -d 'The opposite of --keep-downloading' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l readahead-mib -d 'MiB ahead of the playhead fetched first (librqbit\'s own window is 32).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l utp -d 'Also use uTP (BitTorrent over UDP) on the listen port.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l no-utp -d 'The opposite of --utp' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l disk-reserve-mib -d 'MiB that must stay free on the cache folder\'s disk; a download that would leave less' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l download-limit -d 'Most bytes per second downloaded from peers, all torrents together (e.g. 2MiB/s, or' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l upload-limit -d 'Most bytes per second uploaded to peers, all torrents together (e.g. 1MiB/s, or 0' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l seed-ratio -d 'Stop seeding a finished torrent once it uploaded this many times its size (0: no' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l seed-time -d 'Stop seeding a finished torrent after this long, or at the ratio if that comes first' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l prefetch-at -d 'Percent of a playlist entry a stream reads before the next entry\'s head and tail are' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l nat -d 'NAT detection and port mapping before the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l no-nat -d 'The opposite of --nat' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l nat-budget -d 'The most NAT detection and port mapping may delay the first torrent.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l map-port -d 'Map the listen port on the router (UPnP-IGD, PCP or NAT-PMP).' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l no-map-port -d 'The opposite of --map-port' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l cache-dir -d 'Cache folder: downloads land here and are served from here.' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l color -d 'When to use colours on stderr ("auto" honours NO_COLOR and looks for a terminal).' -r -f -a "auto\t''
always\t''
never\t''"
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l cache-max-size -d 'Most bytes the cache folder may hold (e.g. 50GiB, 500MB); 0 = no limit. A download' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l cache-min-free -d 'Free space to keep on the cache folder\'s disk by evicting least recently used torrents' -r
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -l config -d 'Config file (TOML) [default: the platform config folder\'s peerstream/config.toml]' -r -F
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -s v -l verbose -d 'More log output on stderr (-v debug, -vv trace)'
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -s q -l quiet -d 'Print nothing but the data (errors still go to stderr)'
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c peerstream -n "__fish_peerstream_using_subcommand play" -s V -l version -d 'Print version'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "nat" -d 'Diagnose the NAT between you and the internet'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "cache" -d 'Inspect and check the local cache'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "fetch" -d 'Download a torrent into the cache (info-hash, magnet URI or .torrent file)'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "serve" -d 'Serve streams over HTTP: GET /stream/proxy/:infoHash'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "config" -d 'Show the effective configuration or write a default config file'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "generate" -d 'Write shell completions and man pages generated from this command line'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "play" -d 'Play a target in a video player through a private server on loopback'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and not __fish_seen_subcommand_from nat cache fetch serve config generate play help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from nat" -f -a "detect" -d 'Detect the NAT type with STUN (RFC 5780) and probe UPnP-IGD, NAT-PMP and PCP'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from nat" -f -a "map" -d 'Map the torrent port on the router (UPnP-IGD, PCP or NAT-PMP)'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from nat" -f -a "unmap" -d 'Remove port mappings made by `nat map`'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "ls" -d 'List cached files with their state'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "verify" -d 'Re-check cached files; exits non-zero when any is not complete and valid'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "rm" -d 'Remove torrents from the cache (refused while a stream or download uses one)'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "pin" -d 'Keep a torrent in the cache: never evicted'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "unpin" -d 'Let a pinned torrent be evicted again'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from cache" -f -a "gc" -d 'Evict least recently used torrents until the cache is within cache.max_size and cache.min_free'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Print the effective configuration and where each value comes from (default, file, env or flag)'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "init" -d 'Write a commented default config file [default: the platform config path]'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "completions" -d 'Shell completions for bash, zsh, fish, elvish and PowerShell'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "man" -d 'One man page per command'
complete -c peerstream -n "__fish_peerstream_using_subcommand help; and __fish_seen_subcommand_from generate" -f -a "all" -d 'All of them: ROOT/completions, ROOT/man and the settings table in ROOT/README.md'
