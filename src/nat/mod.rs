//! NAT diagnosis (STUN, RFC 5780 / RFC 3489 classification) and port mapping.
