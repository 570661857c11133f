//! Pure classification: RFC 5780 behaviours in, the classic RFC 3489 label and a plain-words
//! verdict out. No I/O here, so every combination is table-tested below.

use serde::{Deserialize, Serialize};

use super::report::Status;

/// Mapping or filtering behaviour per RFC 4787 / RFC 5780.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    EndpointIndependent,
    AddressDependent,
    AddressAndPortDependent,
}

impl Behaviour {
    pub fn describe(self) -> &'static str {
        match self {
            Behaviour::EndpointIndependent => "endpoint-independent",
            Behaviour::AddressDependent => "address-dependent",
            Behaviour::AddressAndPortDependent => "address-and-port-dependent",
        }
    }
}

/// The classic (RFC 3489) NAT type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassicType {
    OpenInternet,
    FullCone,
    RestrictedCone,
    PortRestrictedCone,
    Symmetric,
    SymmetricUdpFirewall,
    UdpBlocked,
    /// No server could be resolved, routed to or reached (refused, unreachable): nothing is
    /// known about UDP or the NAT. Not "UDP blocked".
    NoServerReachable,
    /// The server could not run the behaviour tests (no RFC 5780), or a test was inconclusive.
    Unknown,
}

impl ClassicType {
    pub fn label(self) -> &'static str {
        match self {
            ClassicType::OpenInternet => "Open Internet",
            ClassicType::FullCone => "Full Cone",
            ClassicType::RestrictedCone => "Restricted Cone",
            ClassicType::PortRestrictedCone => "Port-Restricted Cone",
            ClassicType::Symmetric => "Symmetric",
            ClassicType::SymmetricUdpFirewall => "Symmetric UDP Firewall",
            ClassicType::UdpBlocked => "UDP Blocked",
            ClassicType::NoServerReachable => "No STUN server reachable",
            ClassicType::Unknown => "Unknown",
        }
    }
}

/// What the STUN tests established; the input of [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observations {
    /// How the contact with the STUN servers ended.
    pub status: Status,
    /// The public address differs from the local one; `None` when no server answered.
    pub nat: Option<bool>,
    pub mapping: Option<Behaviour>,
    pub filtering: Option<Behaviour>,
}

/// Maps the RFC 5780 behaviours onto the classic label.
///
/// Without NAT only the filtering matters (Open Internet or Symmetric UDP Firewall). Behind NAT
/// any mapping other than endpoint-independent is Symmetric; with endpoint-independent mapping
/// the filtering picks Full, Restricted or Port-Restricted Cone.
pub fn classify(obs: &Observations) -> ClassicType {
    use Behaviour::*;
    match obs.status {
        Status::UdpBlocked => return ClassicType::UdpBlocked,
        Status::NoServerReachable => return ClassicType::NoServerReachable,
        Status::Ok => {}
    }
    match obs.nat {
        None => ClassicType::Unknown,
        Some(false) => match obs.filtering {
            Some(EndpointIndependent) => ClassicType::OpenInternet,
            Some(AddressDependent | AddressAndPortDependent) => ClassicType::SymmetricUdpFirewall,
            None => ClassicType::Unknown,
        },
        Some(true) => match (obs.mapping, obs.filtering) {
            (Some(AddressDependent | AddressAndPortDependent), _) => ClassicType::Symmetric,
            (Some(EndpointIndependent), Some(EndpointIndependent)) => ClassicType::FullCone,
            (Some(EndpointIndependent), Some(AddressDependent)) => ClassicType::RestrictedCone,
            (Some(EndpointIndependent), Some(AddressAndPortDependent)) => {
                ClassicType::PortRestrictedCone
            }
            (Some(EndpointIndependent), None) | (None, _) => ClassicType::Unknown,
        },
    }
}

/// Mapping behaviour from the three mapped addresses of RFC 5780 section 4.3:
/// test I (primary address), II (alternate IP, primary port), III (alternate IP and port).
/// `None` for a test that got no answer.
pub fn mapping_behaviour<A: PartialEq>(
    test1: &A,
    test2: Option<&A>,
    test3: Option<&A>,
) -> Option<Behaviour> {
    let test2 = test2?;
    if test2 == test1 {
        return Some(Behaviour::EndpointIndependent);
    }
    let test3 = test3?;
    if test3 == test2 {
        Some(Behaviour::AddressDependent)
    } else {
        Some(Behaviour::AddressAndPortDependent)
    }
}

/// Filtering behaviour from RFC 5780 section 4.4: whether a reply arrived for test II (change IP
/// and port) and test III (change port only). `None` for "not run or not supported".
pub fn filtering_behaviour(
    changed_ip_and_port: Option<bool>,
    changed_port: Option<bool>,
) -> Option<Behaviour> {
    match (changed_ip_and_port?, changed_port) {
        (true, _) => Some(Behaviour::EndpointIndependent),
        (false, Some(true)) => Some(Behaviour::AddressDependent),
        (false, Some(false)) => Some(Behaviour::AddressAndPortDependent),
        (false, None) => None,
    }
}

/// Port-mapping facts that change the advice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MappingFacts {
    /// A UPnP-IGD, NAT-PMP or PCP test mapping succeeded.
    pub test_mapping_ok: bool,
    /// Some port-mapping protocol answered at all.
    pub protocol_answered: bool,
    /// Another NAT sits beyond the router (its external address is shared, private, or not the
    /// public one): a mapping on the router alone does not make this host reachable.
    pub double_nat: bool,
}

/// What to do about incoming connections, given what the router allowed.
fn reachability_advice(port: u16, facts: MappingFacts) -> Vec<String> {
    if facts.double_nat {
        // Enabling UPnP on the inner router cannot help: the outer NAT drops the traffic.
        return vec![format!(
            "another NAT sits beyond your router (carrier-grade or double NAT): ask the ISP for \
             a public IPv4 address or use IPv6; with your own outer router, put it in bridge \
             mode or forward port {port} on both routers. Meanwhile uTP hole punching still \
             reaches peers behind cone NATs"
        )];
    }
    if facts.test_mapping_ok {
        // No router address proves there is no NAT beyond (see `detect::double_nat`), so no
        // promise that peers can reach you.
        return vec![format!(
            "the router accepted a test port mapping and peerstream maps its port automatically; \
             if the router's own WAN address (its status page) is 100.64.x.x or private, \
             another NAT sits beyond it and peers still cannot reach you: ask the ISP for a \
             public IPv4 address or use IPv6, or have port {port} forwarded on the outer router"
        )];
    }
    if facts.protocol_answered {
        // The router speaks UPnP/NAT-PMP/PCP but refused: "enable UPnP" would be wrong advice.
        return vec![format!(
            "the router answers port-mapping requests but refused the test mapping (reasons \
             below): forward port {port} (TCP and UDP) by hand if the router is yours; if its \
             WAN address is a carrier's (100.64.0.0/10 or private), ask the ISP for a public \
             IPv4 address or use IPv6. uTP hole punching still reaches peers behind cone NATs"
        )];
    }
    vec![format!(
        "forward port {port} (TCP and UDP) on your router to this machine, or enable UPnP/NAT-PMP \
         on the router so peerstream can open it by itself"
    )]
}

/// A verdict in plain words: what the type means for torrent connectivity, and what to do.
pub fn verdict(classic: ClassicType, port: u16, facts: MappingFacts) -> (String, Vec<String>) {
    let advice = || reachability_advice(port, facts);
    match classic {
        ClassicType::OpenInternet => (
            "No NAT and no filtering: any peer can connect to you. Torrent connectivity is \
             as good as it gets."
                .into(),
            vec![],
        ),
        ClassicType::FullCone => (
            "Full-cone NAT: once peerstream has sent from its port, any peer can reach it \
             there. Connectivity is good."
                .into(),
            if facts.test_mapping_ok || facts.double_nat {
                advice()
            } else {
                vec![]
            },
        ),
        ClassicType::RestrictedCone | ClassicType::PortRestrictedCone => {
            let kind = if classic == ClassicType::RestrictedCone {
                "Restricted-cone"
            } else {
                "Port-restricted-cone"
            };
            (
                format!(
                    "{kind} NAT: you can reach peers and hole punching works (uTP), but peers \
                     cannot start connections to you until a port is forwarded, so you find \
                     fewer peers."
                ),
                advice(),
            )
        }
        ClassicType::Symmetric => (
            "Symmetric NAT: your public port changes for every peer, so hole punching fails and \
             only peers that accept incoming connections can be reached. Expect few peers and \
             slow starts."
                .into(),
            {
                let mut a = advice();
                if !facts.test_mapping_ok && !facts.double_nat {
                    a.push(
                        "if you are behind carrier-grade NAT (mobile, some ISPs), ask the ISP for \
                         a public IPv4 address or use IPv6"
                            .into(),
                    );
                }
                a
            },
        ),
        ClassicType::SymmetricUdpFirewall => (
            "No NAT, but a firewall drops unsolicited UDP: outgoing connections work, incoming \
             ones do not."
                .into(),
            vec![format!(
                "allow incoming TCP and UDP on port {port} in the firewall (host or network)"
            )],
        ),
        ClassicType::UdpBlocked => (
            "UDP does not get through: every STUN server was sent requests, with all \
             retransmissions, and none answered (no ICMP error came back either). uTP, DHT and \
             UDP trackers cannot work; only TCP peers and HTTP trackers can."
                .into(),
            vec![
                "allow outgoing UDP in the firewall, or try another network".into(),
                "if only the listed STUN servers are down, try another with --stun HOST:PORT"
                    .into(),
            ],
        ),
        ClassicType::NoServerReachable => (
            "No STUN server could be reached (name not resolved, no route, or refused), so \
             nothing is known about UDP or the NAT. This is not a sign that UDP is blocked."
                .into(),
            vec![
                "check DNS and the network connection, or give a reachable server with \
                 --stun HOST:PORT"
                    .into(),
            ],
        ),
        ClassicType::Unknown => (
            "The NAT behaviour could not be fully tested (the STUN server lacks RFC 5780 \
             support, or answers were lost and a test stayed inconclusive); the public address \
             above is still valid."
                .into(),
            {
                let mut a = vec![
                    "run it again, or try a STUN server with RFC 5780 support with --stun \
                     HOST:PORT"
                        .to_string(),
                ];
                if facts.test_mapping_ok || facts.protocol_answered || facts.double_nat {
                    a.extend(advice());
                }
                a
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Behaviour::*;

    /// contact status, NAT, mapping, filtering, expected label.
    type Row = (
        Status,
        Option<bool>,
        Option<Behaviour>,
        Option<Behaviour>,
        ClassicType,
    );

    #[test]
    fn classic_labels_from_behaviours() {
        use ClassicType::*;
        let (ei, ad, apd) = (
            EndpointIndependent,
            AddressDependent,
            AddressAndPortDependent,
        );
        #[rustfmt::skip]
        let table: &[Row] = &[
            (Status::UdpBlocked, None, None, None, UdpBlocked),
            (Status::UdpBlocked, Some(true), Some(ei), None, UdpBlocked),
            (Status::NoServerReachable, None, None, None, NoServerReachable),
            (Status::Ok, None,        None,      None,      Unknown),
            (Status::Ok, Some(false), Some(ei),  Some(ei),  OpenInternet),
            (Status::Ok, Some(false), None,      Some(ei),  OpenInternet),
            (Status::Ok, Some(false), Some(ei),  Some(ad),  SymmetricUdpFirewall),
            (Status::Ok, Some(false), Some(ei),  Some(apd), SymmetricUdpFirewall),
            (Status::Ok, Some(false), Some(ei),  None,      Unknown),
            (Status::Ok, Some(true),  Some(ei),  Some(ei),  FullCone),
            (Status::Ok, Some(true),  Some(ei),  Some(ad),  RestrictedCone),
            (Status::Ok, Some(true),  Some(ei),  Some(apd), PortRestrictedCone),
            (Status::Ok, Some(true),  Some(ad),  Some(ei),  Symmetric),
            (Status::Ok, Some(true),  Some(apd), Some(apd), Symmetric),
            (Status::Ok, Some(true),  Some(apd), None,      Symmetric),
            (Status::Ok, Some(true),  Some(ei),  None,      Unknown),
            (Status::Ok, Some(true),  None,      Some(ei),  Unknown),
        ];
        for &(status, nat, mapping, filtering, expected) in table {
            let obs = Observations {
                status,
                nat,
                mapping,
                filtering,
            };
            assert_eq!(classify(&obs), expected, "{obs:?}");
        }
    }

    #[test]
    fn mapping_from_mapped_addresses() {
        let a = "198.19.0.1:40000";
        let b = "198.19.0.1:40001";
        let c = "198.19.0.1:40002";
        let table: &[(Option<&&str>, Option<&&str>, Option<Behaviour>)] = &[
            (Some(&a), None, Some(EndpointIndependent)),
            (Some(&a), Some(&b), Some(EndpointIndependent)),
            (Some(&b), Some(&b), Some(AddressDependent)),
            (Some(&b), Some(&c), Some(AddressAndPortDependent)),
            (Some(&b), None, None),
            (None, None, None),
            (None, Some(&a), None),
        ];
        for &(t2, t3, expected) in table {
            assert_eq!(mapping_behaviour(&a, t2, t3), expected, "{t2:?} {t3:?}");
        }
    }

    #[test]
    fn filtering_from_replies() {
        let table = [
            (Some(true), None, Some(EndpointIndependent)),
            (Some(true), Some(false), Some(EndpointIndependent)),
            (Some(false), Some(true), Some(AddressDependent)),
            (Some(false), Some(false), Some(AddressAndPortDependent)),
            (Some(false), None, None),
            (None, Some(true), None),
            (None, None, None),
        ];
        for (ip_port, port, expected) in table {
            assert_eq!(
                filtering_behaviour(ip_port, port),
                expected,
                "{ip_port:?} {port:?}"
            );
        }
    }

    #[test]
    fn verdict_names_the_port_when_forwarding_helps() {
        let none = MappingFacts::default();
        for classic in [
            ClassicType::PortRestrictedCone,
            ClassicType::RestrictedCone,
            ClassicType::Symmetric,
            ClassicType::SymmetricUdpFirewall,
        ] {
            let (_, advice) = verdict(classic, 6881, none);
            assert!(advice.iter().any(|a| a.contains("6881")), "{classic:?}");
        }
        let mapped = MappingFacts {
            test_mapping_ok: true,
            protocol_answered: true,
            ..Default::default()
        };
        let (_, advice) = verdict(ClassicType::PortRestrictedCone, 6881, mapped);
        assert!(advice.iter().all(|a| !a.contains("forward port")));
        let (text, advice) = verdict(ClassicType::OpenInternet, 6881, none);
        assert!(text.contains("No NAT") && advice.is_empty());
        let (text, _) = verdict(ClassicType::UdpBlocked, 6881, none);
        assert!(text.contains("UDP"));
        let (text, advice) = verdict(ClassicType::NoServerReachable, 6881, none);
        assert!(text.contains("not a sign that UDP is blocked"), "{text}");
        assert!(advice.iter().all(|a| !a.contains("firewall")), "{advice:?}");
    }

    #[test]
    fn advice_follows_what_the_router_allowed() {
        let all = |facts: MappingFacts| {
            let (_, advice) = verdict(ClassicType::PortRestrictedCone, 6881, facts);
            advice.join(" | ")
        };
        // Refused mappings (a CGNAT router): no "enable UPnP", but the ISP and hole punching.
        let refused = all(MappingFacts {
            protocol_answered: true,
            ..Default::default()
        });
        assert!(!refused.contains("enable UPnP"), "{refused}");
        assert!(
            refused.contains("ISP") && refused.contains("hole punching"),
            "{refused}"
        );
        // Double NAT with a working test mapping: one piece of advice, not "enable UPnP" beside
        // "bridge mode".
        let double = all(MappingFacts {
            test_mapping_ok: true,
            protocol_answered: true,
            double_nat: true,
        });
        assert!(!double.contains("enable UPnP"), "{double}");
        assert!(
            double.contains("bridge mode") && !double.contains(" | "),
            "{double}"
        );
        // A working mapping: double NAT cannot be ruled out, so no promise that peers can
        // reach you.
        let unsure = all(MappingFacts {
            test_mapping_ok: true,
            protocol_answered: true,
            ..Default::default()
        });
        assert!(!unsure.contains("can reach you"), "{unsure}");
        assert!(unsure.contains("ISP"), "{unsure}");
        // Nothing answered: forwarding or enabling UPnP is what helps.
        let silent = all(MappingFacts::default());
        assert!(silent.contains("enable UPnP"), "{silent}");
    }
}
