//! `nat detect --turn`: checks that a TURN relay (RFC 5766) grants an allocation with long-term
//! credentials, reports the relayed address, and releases the allocation again.

use std::net::SocketAddr;
use std::time::Duration;

use bytecodec::{DecodeExt, EncodeExt};
use serde::{Deserialize, Serialize};
use stun_codec::rfc5389::attributes::{
    ErrorCode, MessageIntegrity, Nonce, Realm, Software, Username, XorMappedAddress,
};
use stun_codec::rfc5766::attributes::{Lifetime, RequestedTransport, XorRelayAddress};
use stun_codec::rfc5766::methods::{ALLOCATE, REFRESH};
use stun_codec::{
    Message, MessageClass, MessageDecoder, MessageEncoder, Method, TransactionId,
    define_attribute_enums,
};
use tokio::net::UdpSocket;
use tokio::time::Instant;

define_attribute_enums!(
    TurnAttr,
    TurnAttrDecoder,
    TurnAttrEncoder,
    [
        Username,
        Realm,
        Nonce,
        MessageIntegrity,
        ErrorCode,
        Software,
        XorMappedAddress,
        XorRelayAddress,
        Lifetime,
        RequestedTransport
    ]
);

/// UDP, as REQUESTED-TRANSPORT wants it (an IANA protocol number).
const UDP: u8 = 17;

/// A TURN server and its long-term credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct TurnSpec {
    /// `HOST:PORT`.
    pub server: String,
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for TurnSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnSpec")
            .field("server", &self.server)
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

impl std::str::FromStr for TurnSpec {
    type Err = String;

    /// `turn:USER:PASS@HOST[:PORT]` (port 3478 when left out).
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not turn:USER:PASS@HOST[:PORT]");
        let rest = text.strip_prefix("turn:").ok_or_else(bad)?;
        let (credentials, host) = rest.rsplit_once('@').ok_or_else(bad)?;
        let (username, password) = credentials.split_once(':').ok_or_else(bad)?;
        if username.is_empty() || host.is_empty() {
            return Err(bad());
        }
        let has_port = match host.rsplit_once(':') {
            Some((h, p)) => !h.ends_with(':') && p.parse::<u16>().is_ok(),
            None => false,
        };
        let server = if has_port {
            host.to_string()
        } else {
            format!("{host}:3478")
        };
        Ok(TurnSpec {
            server,
            username: username.to_string(),
            password: password.to_string(),
        })
    }
}

/// The outcome of the TURN check (`turn` in `nat detect --json`). Never holds the password.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TurnReport {
    pub server: String,
    pub username: String,
    pub address: Option<SocketAddr>,
    /// An allocation was granted (and then released).
    pub ok: bool,
    pub relayed_address: Option<SocketAddr>,
    /// This host's address as the TURN server saw it.
    pub mapped_address: Option<SocketAddr>,
    pub lifetime_seconds: Option<u64>,
    pub error: Option<String>,
}

fn transaction_id() -> Result<TransactionId, String> {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
    Ok(TransactionId::new(bytes))
}

/// Long-term credentials once the server told its realm and nonce.
struct Auth {
    username: Username,
    realm: Realm,
    nonce: Nonce,
    password: String,
}

fn request(
    method: Method,
    attrs: Vec<TurnAttr>,
    auth: Option<&Auth>,
) -> Result<(TransactionId, Vec<u8>), String> {
    let id = transaction_id()?;
    let mut m: Message<TurnAttr> = Message::new(MessageClass::Request, method, id);
    if let Ok(software) = Software::new(concat!("peerstream ", env!("CARGO_PKG_VERSION")).into()) {
        m.add_attribute(software);
    }
    for a in attrs {
        m.add_attribute(a);
    }
    if let Some(auth) = auth {
        m.add_attribute(auth.username.clone());
        m.add_attribute(auth.realm.clone());
        m.add_attribute(auth.nonce.clone());
        let integrity = MessageIntegrity::new_long_term_credential(
            &m,
            &auth.username,
            &auth.realm,
            &auth.password,
        )
        .map_err(|e| e.to_string())?;
        m.add_attribute(integrity);
    }
    let bytes = MessageEncoder::new()
        .encode_into_bytes(m)
        .map_err(|e| e.to_string())?;
    Ok((id, bytes))
}

/// Sends with RFC 5389 retransmission (500 ms, doubling) until an answer or `timeout`.
async fn transact(
    socket: &UdpSocket,
    id: TransactionId,
    bytes: &[u8],
    timeout: Duration,
) -> Result<Message<TurnAttr>, String> {
    let deadline = Instant::now() + timeout;
    let mut rto = Duration::from_millis(500);
    let mut buf = [0u8; 1500];
    loop {
        socket.send(bytes).await.map_err(|e| e.to_string())?;
        let until = (Instant::now() + rto).min(deadline);
        loop {
            match tokio::time::timeout_at(until, socket.recv(&mut buf)).await {
                Err(_) => break,
                Ok(Err(e)) => return Err(e.to_string()),
                Ok(Ok(len)) => {
                    let decoded = MessageDecoder::<TurnAttr>::new().decode_from_bytes(&buf[..len]);
                    if let Ok(Ok(m)) = decoded
                        && m.transaction_id() == id
                    {
                        return Ok(m);
                    }
                }
            }
        }
        if Instant::now() >= deadline {
            return Err(format!("no answer within {timeout:?}"));
        }
        rto *= 2;
    }
}

fn error_of(m: &Message<TurnAttr>) -> Option<(u16, String)> {
    (m.class() == MessageClass::ErrorResponse).then(|| {
        m.get_attribute::<ErrorCode>()
            .map_or((0, "error response without a code".into()), |e| {
                (e.code(), e.reason_phrase().to_owned())
            })
    })
}

/// Allocates a relay on `spec.server`, reports it, and releases it.
pub async fn check(spec: &TurnSpec, timeout: Duration) -> TurnReport {
    let mut report = TurnReport {
        server: spec.server.clone(),
        username: spec.username.clone(),
        ..Default::default()
    };
    if let Err(e) = allocate(spec, timeout, &mut report).await {
        report.error = Some(e);
    }
    report
}

async fn allocate(
    spec: &TurnSpec,
    timeout: Duration,
    report: &mut TurnReport,
) -> Result<(), String> {
    let addr = tokio::net::lookup_host(&spec.server)
        .await
        .map_err(|e| format!("resolving {}: {e}", spec.server))?
        .next()
        .ok_or_else(|| format!("{} has no address", spec.server))?;
    report.address = Some(addr);
    let any: SocketAddr = if addr.is_ipv4() {
        "0.0.0.0:0".parse().map_err(|_| "address".to_string())?
    } else {
        "[::]:0".parse().map_err(|_| "address".to_string())?
    };
    let socket = UdpSocket::bind(any).await.map_err(|e| e.to_string())?;
    socket.connect(addr).await.map_err(|e| e.to_string())?;

    let transport = || vec![TurnAttr::from(RequestedTransport::new(UDP))];
    // First attempt without credentials: the server answers 401 with its realm and a nonce.
    let (id, bytes) = request(ALLOCATE, transport(), None)?;
    let mut answer = transact(&socket, id, &bytes, timeout).await?;
    let mut auth: Option<Auth> = None;
    for _ in 0..2 {
        match error_of(&answer) {
            None => break,
            Some((401 | 438, reason)) => {
                let realm = answer.get_attribute::<Realm>().cloned();
                let nonce = answer.get_attribute::<Nonce>().cloned();
                let (Some(realm), Some(nonce)) = (realm, nonce) else {
                    return Err(format!("{reason}: no REALM/NONCE to authenticate with"));
                };
                if auth.as_ref().is_some_and(|a| a.nonce == nonce) {
                    return Err("401 Unauthorized: wrong username or password".into());
                }
                let username = Username::new(spec.username.clone()).map_err(|e| e.to_string())?;
                let next = Auth {
                    username,
                    realm,
                    nonce,
                    password: spec.password.clone(),
                };
                let (id, bytes) = request(ALLOCATE, transport(), Some(&next))?;
                auth = Some(next);
                answer = transact(&socket, id, &bytes, timeout).await?;
            }
            Some((code, reason)) => return Err(format!("{code} {reason}")),
        }
    }
    if let Some((code, reason)) = error_of(&answer) {
        return Err(if code == 401 {
            "401 Unauthorized: wrong username or password".into()
        } else {
            format!("{code} {reason}")
        });
    }
    report.relayed_address = answer
        .get_attribute::<XorRelayAddress>()
        .map(|a| a.address());
    report.mapped_address = answer
        .get_attribute::<XorMappedAddress>()
        .map(|a| a.address());
    report.lifetime_seconds = answer
        .get_attribute::<Lifetime>()
        .map(|l| l.lifetime().as_secs());
    report.ok = report.relayed_address.is_some();
    if !report.ok {
        return Err("allocation granted without XOR-RELAYED-ADDRESS".into());
    }
    // Release it: Refresh with a zero lifetime. Best effort; it expires anyway.
    if let Ok(zero) = Lifetime::new(Duration::ZERO) {
        let release = request(REFRESH, vec![zero.into()], auth.as_ref());
        if let Ok((id, bytes)) = release {
            let _ = transact(&socket, id, &bytes, timeout.min(Duration::from_secs(1))).await;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turn_uris() {
        let spec: TurnSpec = "turn:peer:secret@198.19.0.4:3478".parse().expect("parse");
        assert_eq!(spec.server, "198.19.0.4:3478");
        assert_eq!(spec.username, "peer");
        assert_eq!(spec.password, "secret");
        let spec: TurnSpec = "turn:peer:p:w@d@relay.example.org".parse().expect("parse");
        assert_eq!(spec.server, "relay.example.org:3478");
        assert_eq!(spec.password, "p:w@d");
        for bad in [
            "stun:a:b@h",
            "turn:a:b",
            "turn:ab@h",
            "turn::b@h",
            "turn:a:b@",
        ] {
            assert!(bad.parse::<TurnSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn requests_carry_credentials_and_integrity() {
        let auth = Auth {
            username: Username::new("peer".into()).expect("user"),
            realm: Realm::new("lab.test".into()).expect("realm"),
            nonce: Nonce::new("abc".into()).expect("nonce"),
            password: "secret".into(),
        };
        let (_, bytes) = request(
            ALLOCATE,
            vec![RequestedTransport::new(UDP).into()],
            Some(&auth),
        )
        .expect("encode");
        let m = MessageDecoder::<TurnAttr>::new()
            .decode_from_bytes(&bytes)
            .expect("bytes")
            .expect("message");
        assert_eq!(m.method(), ALLOCATE);
        assert!(m.get_attribute::<MessageIntegrity>().is_some());
        assert_eq!(
            m.get_attribute::<Username>().map(|u| u.name()),
            Some("peer")
        );
        assert_eq!(
            m.get_attribute::<RequestedTransport>()
                .map(|t| t.protocol()),
            Some(UDP)
        );
    }
}
