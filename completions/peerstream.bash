_peerstream() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="peerstream"
                ;;
            peerstream,cache)
                cmd="peerstream__subcmd__cache"
                ;;
            peerstream,config)
                cmd="peerstream__subcmd__config"
                ;;
            peerstream,fetch)
                cmd="peerstream__subcmd__fetch"
                ;;
            peerstream,generate)
                cmd="peerstream__subcmd__generate"
                ;;
            peerstream,help)
                cmd="peerstream__subcmd__help"
                ;;
            peerstream,nat)
                cmd="peerstream__subcmd__nat"
                ;;
            peerstream,play)
                cmd="peerstream__subcmd__play"
                ;;
            peerstream,serve)
                cmd="peerstream__subcmd__serve"
                ;;
            peerstream__subcmd__cache,gc)
                cmd="peerstream__subcmd__cache__subcmd__gc"
                ;;
            peerstream__subcmd__cache,help)
                cmd="peerstream__subcmd__cache__subcmd__help"
                ;;
            peerstream__subcmd__cache,ls)
                cmd="peerstream__subcmd__cache__subcmd__ls"
                ;;
            peerstream__subcmd__cache,pin)
                cmd="peerstream__subcmd__cache__subcmd__pin"
                ;;
            peerstream__subcmd__cache,rm)
                cmd="peerstream__subcmd__cache__subcmd__rm"
                ;;
            peerstream__subcmd__cache,unpin)
                cmd="peerstream__subcmd__cache__subcmd__unpin"
                ;;
            peerstream__subcmd__cache,verify)
                cmd="peerstream__subcmd__cache__subcmd__verify"
                ;;
            peerstream__subcmd__cache__subcmd__help,gc)
                cmd="peerstream__subcmd__cache__subcmd__help__subcmd__gc"
                ;;
            peerstream__subcmd__cache__subcmd__help,help)
                cmd="peerstream__subcmd__cache__subcmd__help__subcmd__help"
                ;;
            peerstream__subcmd__cache__subcmd__help,ls)
                cmd="peerstream__subcmd__cache__subcmd__help__subcmd__ls"
                ;;
            peerstream__subcmd__cache__subcmd__help,pin)
                cmd="peerstream__subcmd__cache__subcmd__help__subcmd__pin"
                ;;
            peerstream__subcmd__cache__subcmd__help,rm)
                cmd="peerstream__subcmd__cache__subcmd__help__subcmd__rm"
                ;;
            peerstream__subcmd__cache__subcmd__help,unpin)
                cmd="peerstream__subcmd__cache__subcmd__help__subcmd__unpin"
                ;;
            peerstream__subcmd__cache__subcmd__help,verify)
                cmd="peerstream__subcmd__cache__subcmd__help__subcmd__verify"
                ;;
            peerstream__subcmd__config,help)
                cmd="peerstream__subcmd__config__subcmd__help"
                ;;
            peerstream__subcmd__config,init)
                cmd="peerstream__subcmd__config__subcmd__init"
                ;;
            peerstream__subcmd__config,show)
                cmd="peerstream__subcmd__config__subcmd__show"
                ;;
            peerstream__subcmd__config__subcmd__help,help)
                cmd="peerstream__subcmd__config__subcmd__help__subcmd__help"
                ;;
            peerstream__subcmd__config__subcmd__help,init)
                cmd="peerstream__subcmd__config__subcmd__help__subcmd__init"
                ;;
            peerstream__subcmd__config__subcmd__help,show)
                cmd="peerstream__subcmd__config__subcmd__help__subcmd__show"
                ;;
            peerstream__subcmd__generate,all)
                cmd="peerstream__subcmd__generate__subcmd__all"
                ;;
            peerstream__subcmd__generate,completions)
                cmd="peerstream__subcmd__generate__subcmd__completions"
                ;;
            peerstream__subcmd__generate,help)
                cmd="peerstream__subcmd__generate__subcmd__help"
                ;;
            peerstream__subcmd__generate,man)
                cmd="peerstream__subcmd__generate__subcmd__man"
                ;;
            peerstream__subcmd__generate__subcmd__help,all)
                cmd="peerstream__subcmd__generate__subcmd__help__subcmd__all"
                ;;
            peerstream__subcmd__generate__subcmd__help,completions)
                cmd="peerstream__subcmd__generate__subcmd__help__subcmd__completions"
                ;;
            peerstream__subcmd__generate__subcmd__help,help)
                cmd="peerstream__subcmd__generate__subcmd__help__subcmd__help"
                ;;
            peerstream__subcmd__generate__subcmd__help,man)
                cmd="peerstream__subcmd__generate__subcmd__help__subcmd__man"
                ;;
            peerstream__subcmd__help,cache)
                cmd="peerstream__subcmd__help__subcmd__cache"
                ;;
            peerstream__subcmd__help,config)
                cmd="peerstream__subcmd__help__subcmd__config"
                ;;
            peerstream__subcmd__help,fetch)
                cmd="peerstream__subcmd__help__subcmd__fetch"
                ;;
            peerstream__subcmd__help,generate)
                cmd="peerstream__subcmd__help__subcmd__generate"
                ;;
            peerstream__subcmd__help,help)
                cmd="peerstream__subcmd__help__subcmd__help"
                ;;
            peerstream__subcmd__help,nat)
                cmd="peerstream__subcmd__help__subcmd__nat"
                ;;
            peerstream__subcmd__help,play)
                cmd="peerstream__subcmd__help__subcmd__play"
                ;;
            peerstream__subcmd__help,serve)
                cmd="peerstream__subcmd__help__subcmd__serve"
                ;;
            peerstream__subcmd__help__subcmd__cache,gc)
                cmd="peerstream__subcmd__help__subcmd__cache__subcmd__gc"
                ;;
            peerstream__subcmd__help__subcmd__cache,ls)
                cmd="peerstream__subcmd__help__subcmd__cache__subcmd__ls"
                ;;
            peerstream__subcmd__help__subcmd__cache,pin)
                cmd="peerstream__subcmd__help__subcmd__cache__subcmd__pin"
                ;;
            peerstream__subcmd__help__subcmd__cache,rm)
                cmd="peerstream__subcmd__help__subcmd__cache__subcmd__rm"
                ;;
            peerstream__subcmd__help__subcmd__cache,unpin)
                cmd="peerstream__subcmd__help__subcmd__cache__subcmd__unpin"
                ;;
            peerstream__subcmd__help__subcmd__cache,verify)
                cmd="peerstream__subcmd__help__subcmd__cache__subcmd__verify"
                ;;
            peerstream__subcmd__help__subcmd__config,init)
                cmd="peerstream__subcmd__help__subcmd__config__subcmd__init"
                ;;
            peerstream__subcmd__help__subcmd__config,show)
                cmd="peerstream__subcmd__help__subcmd__config__subcmd__show"
                ;;
            peerstream__subcmd__help__subcmd__generate,all)
                cmd="peerstream__subcmd__help__subcmd__generate__subcmd__all"
                ;;
            peerstream__subcmd__help__subcmd__generate,completions)
                cmd="peerstream__subcmd__help__subcmd__generate__subcmd__completions"
                ;;
            peerstream__subcmd__help__subcmd__generate,man)
                cmd="peerstream__subcmd__help__subcmd__generate__subcmd__man"
                ;;
            peerstream__subcmd__help__subcmd__nat,detect)
                cmd="peerstream__subcmd__help__subcmd__nat__subcmd__detect"
                ;;
            peerstream__subcmd__help__subcmd__nat,map)
                cmd="peerstream__subcmd__help__subcmd__nat__subcmd__map"
                ;;
            peerstream__subcmd__help__subcmd__nat,unmap)
                cmd="peerstream__subcmd__help__subcmd__nat__subcmd__unmap"
                ;;
            peerstream__subcmd__nat,detect)
                cmd="peerstream__subcmd__nat__subcmd__detect"
                ;;
            peerstream__subcmd__nat,help)
                cmd="peerstream__subcmd__nat__subcmd__help"
                ;;
            peerstream__subcmd__nat,map)
                cmd="peerstream__subcmd__nat__subcmd__map"
                ;;
            peerstream__subcmd__nat,unmap)
                cmd="peerstream__subcmd__nat__subcmd__unmap"
                ;;
            peerstream__subcmd__nat__subcmd__help,detect)
                cmd="peerstream__subcmd__nat__subcmd__help__subcmd__detect"
                ;;
            peerstream__subcmd__nat__subcmd__help,help)
                cmd="peerstream__subcmd__nat__subcmd__help__subcmd__help"
                ;;
            peerstream__subcmd__nat__subcmd__help,map)
                cmd="peerstream__subcmd__nat__subcmd__help__subcmd__map"
                ;;
            peerstream__subcmd__nat__subcmd__help,unmap)
                cmd="peerstream__subcmd__nat__subcmd__help__subcmd__unmap"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        peerstream)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version nat cache fetch serve config generate play help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version ls verify rm pin unpin gc help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__gc)
            opts="-v -q -h -V --dry-run --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help)
            opts="ls verify rm pin unpin gc help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help__subcmd__gc)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help__subcmd__ls)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help__subcmd__rm)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help__subcmd__unpin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__help__subcmd__verify)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__ls)
            opts="-v -q -h -V --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__pin)
            opts="-v -q -h -V --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__rm)
            opts="-v -q -h -V --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__unpin)
            opts="-v -q -h -V --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__cache__subcmd__verify)
            opts="-v -q -h -V --repair --port --dht --no-dht --dht-bootstrap --tracker --no-trackers --lsd --no-lsd --peer --cluster-peer --metadata-timeout --stall-timeout --keep-downloading --pause-idle --readahead-mib --utp --no-utp --disk-reserve-mib --download-limit --upload-limit --seed-ratio --seed-time --prefetch-at --nat --no-nat --nat-budget --map-port --no-map-port --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht-bootstrap)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tracker)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-trackers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metadata-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stall-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --keep-downloading)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pause-idle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --readahead-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --disk-reserve-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --upload-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --prefetch-at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__config)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version show init help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__config__subcmd__help)
            opts="show init help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__config__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__config__subcmd__help__subcmd__init)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__config__subcmd__help__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__config__subcmd__init)
            opts="-v -q -h -V --force --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__config__subcmd__show)
            opts="-v -q -h -V --json --show-secrets --bind --token --allowed-host --cors-origin --p2p --no-p2p --header-timeout --idle-timeout --write-timeout --max-connections --shutdown-grace --port --dht --no-dht --dht-bootstrap --tracker --no-trackers --lsd --no-lsd --peer --cluster-peer --metadata-timeout --stall-timeout --keep-downloading --pause-idle --readahead-mib --utp --no-utp --disk-reserve-mib --download-limit --upload-limit --seed-ratio --seed-time --prefetch-at --nat --no-nat --nat-budget --map-port --no-map-port --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --bind)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allowed-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cors-origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --p2p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-p2p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-connections)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shutdown-grace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht-bootstrap)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tracker)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-trackers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metadata-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stall-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --keep-downloading)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pause-idle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --readahead-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --disk-reserve-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --upload-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --prefetch-at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__fetch)
            opts="-v -q -h -V --file --all --port --dht --no-dht --dht-bootstrap --tracker --no-trackers --lsd --no-lsd --peer --cluster-peer --metadata-timeout --stall-timeout --keep-downloading --pause-idle --readahead-mib --utp --no-utp --disk-reserve-mib --download-limit --upload-limit --seed-ratio --seed-time --prefetch-at --nat --no-nat --nat-budget --map-port --no-map-port --json --print-path --stdout --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht-bootstrap)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tracker)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-trackers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metadata-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stall-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --keep-downloading)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pause-idle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --readahead-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --disk-reserve-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --upload-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --prefetch-at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version completions man all help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__all)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__completions)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__help)
            opts="completions man all help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__help__subcmd__all)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__help__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__help__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__generate__subcmd__man)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help)
            opts="nat cache fetch serve config generate play help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__cache)
            opts="ls verify rm pin unpin gc"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__cache__subcmd__gc)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__cache__subcmd__ls)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__cache__subcmd__pin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__cache__subcmd__rm)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__cache__subcmd__unpin)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__cache__subcmd__verify)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__config)
            opts="show init"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__config__subcmd__init)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__config__subcmd__show)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__fetch)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__generate)
            opts="completions man all"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__generate__subcmd__all)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__generate__subcmd__completions)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__generate__subcmd__man)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__nat)
            opts="detect map unmap"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__nat__subcmd__detect)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__nat__subcmd__map)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__nat__subcmd__unmap)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__play)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__help__subcmd__serve)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat)
            opts="-v -q -h -V --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version detect map unmap help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__detect)
            opts="-v -q -h -V --stun --timeout --port --no-hairpin --no-port-mapping --turn --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --stun)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --turn)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__help)
            opts="detect map unmap help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__help__subcmd__detect)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__help__subcmd__map)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__help__subcmd__unmap)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__map)
            opts="-v -q -h -V --port --protocol --method --lifetime --gateway --timeout --hold --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --protocol)
                    COMPREPLY=($(compgen -W "tcp udp both" -- "${cur}"))
                    return 0
                    ;;
                --method)
                    COMPREPLY=($(compgen -W "auto upnp pcp nat-pmp" -- "${cur}"))
                    return 0
                    ;;
                --lifetime)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --gateway)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__nat__subcmd__unmap)
            opts="-v -q -h -V --port --timeout --json --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__play)
            opts="-v -q -h -V --player --file --port --dht --no-dht --dht-bootstrap --tracker --no-trackers --lsd --no-lsd --peer --cluster-peer --metadata-timeout --stall-timeout --keep-downloading --pause-idle --readahead-mib --utp --no-utp --disk-reserve-mib --download-limit --upload-limit --seed-ratio --seed-time --prefetch-at --nat --no-nat --nat-budget --map-port --no-map-port --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --player)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --file)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht-bootstrap)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tracker)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-trackers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metadata-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stall-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --keep-downloading)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pause-idle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --readahead-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --disk-reserve-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --upload-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --prefetch-at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        peerstream__subcmd__serve)
            opts="-v -q -h -V --bind --token --allowed-host --cors-origin --p2p --no-p2p --header-timeout --idle-timeout --write-timeout --max-connections --shutdown-grace --port --dht --no-dht --dht-bootstrap --tracker --no-trackers --lsd --no-lsd --peer --cluster-peer --metadata-timeout --stall-timeout --keep-downloading --pause-idle --readahead-mib --utp --no-utp --disk-reserve-mib --download-limit --upload-limit --seed-ratio --seed-time --prefetch-at --nat --no-nat --nat-budget --map-port --no-map-port --cache-dir --color --cache-max-size --cache-min-free --config --verbose --quiet --help --version"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --bind)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --token)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --allowed-host)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cors-origin)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --p2p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-p2p)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --header-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --idle-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --write-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --max-connections)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --shutdown-grace)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-dht)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --dht-bootstrap)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --tracker)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-trackers)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-lsd)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cluster-peer)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --metadata-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --stall-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --keep-downloading)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --pause-idle)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --readahead-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-utp)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --disk-reserve-mib)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --download-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --upload-limit)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-ratio)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --seed-time)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --prefetch-at)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-nat)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --nat-budget)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --no-map-port)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-dir)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --color)
                    COMPREPLY=($(compgen -W "auto always never" -- "${cur}"))
                    return 0
                    ;;
                --cache-max-size)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --cache-min-free)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --config)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _peerstream -o nosort -o bashdefault -o default peerstream
else
    complete -F _peerstream -o bashdefault -o default peerstream
fi
