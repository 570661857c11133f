//! Pure classification: RFC 5780 behaviours in, the classic RFC 3489 label and a plain-words
//! verdict out. No I/O here, so every combination is table-tested below.

use serde::{Deserialize, Serialize};

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
            ClassicType::Unknown => "Unknown",
        }
    }
}

/// What the STUN tests established; the input of [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observations {
    /// Some STUN server answered a binding request.
    pub udp_works: bool,
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
    if !obs.udp_works {
        return ClassicType::UdpBlocked;
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
}

/// A verdict in plain words: what the type means for torrent connectivity, and what to do.
pub fn verdict(classic: ClassicType, port: u16, mapping: MappingFacts) -> (String, Vec<String>) {
    let forward = format!(
        "forward port {port} (TCP and UDP) on your router to this machine, or enable UPnP/NAT-PMP \
         on the router so peerstream can open it by itself"
    );
    let mapped = mapping.test_mapping_ok;
    let mapped_note = "the router accepted a test port mapping: peerstream maps its port \
                       automatically, so incoming peers can reach you"
        .to_string();
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
            if mapped { vec![mapped_note] } else { vec![] },
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
                if mapped {
                    vec![mapped_note]
                } else {
                    vec![forward]
                },
            )
        }
        ClassicType::Symmetric => (
            "Symmetric NAT: your public port changes for every peer, so hole punching fails and \
             only peers that accept incoming connections can be reached. Expect few peers and \
             slow starts."
                .into(),
            if mapped {
                vec![mapped_note]
            } else {
                vec![
                    forward,
                    "if you are behind carrier-grade NAT (mobile, some ISPs), ask the ISP for a \
                     public IPv4 address or use IPv6"
                        .into(),
                ]
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
            "UDP does not get through: no STUN server answered. uTP, DHT and UDP trackers cannot \
             work; only TCP peers and HTTP trackers can."
                .into(),
            vec![
                "allow outgoing UDP in the firewall, or try another network".into(),
                "if only the listed STUN servers are down, try another with --stun HOST:PORT"
                    .into(),
            ],
        ),
        ClassicType::Unknown => (
            "The NAT behaviour could not be tested (the STUN server lacks RFC 5780 support or a \
             test was inconclusive); the public address above is still valid."
                .into(),
            {
                let mut advice = vec![
                    "try a STUN server with RFC 5780 support with --stun HOST:PORT".to_string(),
                ];
                if !mapped && !mapping.protocol_answered {
                    advice.push(forward);
                }
                advice
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Behaviour::*;

    /// udp works, NAT, mapping, filtering, expected label.
    type Row = (
        bool,
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
            (false, None,        None,      None,      UdpBlocked),
            (false, Some(true),  Some(ei),  None,      UdpBlocked),
            (true,  None,        None,      None,      Unknown),
            (true,  Some(false), Some(ei),  Some(ei),  OpenInternet),
            (true,  Some(false), None,      Some(ei),  OpenInternet),
            (true,  Some(false), Some(ei),  Some(ad),  SymmetricUdpFirewall),
            (true,  Some(false), Some(ei),  Some(apd), SymmetricUdpFirewall),
            (true,  Some(false), Some(ei),  None,      Unknown),
            (true,  Some(true),  Some(ei),  Some(ei),  FullCone),
            (true,  Some(true),  Some(ei),  Some(ad),  RestrictedCone),
            (true,  Some(true),  Some(ei),  Some(apd), PortRestrictedCone),
            (true,  Some(true),  Some(ad),  Some(ei),  Symmetric),
            (true,  Some(true),  Some(apd), Some(apd), Symmetric),
            (true,  Some(true),  Some(apd), None,      Symmetric),
            (true,  Some(true),  Some(ei),  None,      Unknown),
            (true,  Some(true),  None,      Some(ei),  Unknown),
        ];
        for &(udp_works, nat, mapping, filtering, expected) in table {
            let obs = Observations {
                udp_works,
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
        };
        let (_, advice) = verdict(ClassicType::PortRestrictedCone, 6881, mapped);
        assert!(advice.iter().all(|a| !a.contains("forward port")));
        let (text, advice) = verdict(ClassicType::OpenInternet, 6881, none);
        assert!(text.contains("No NAT") && advice.is_empty());
        let (text, _) = verdict(ClassicType::UdpBlocked, 6881, none);
        assert!(text.contains("UDP"));
    }
}
