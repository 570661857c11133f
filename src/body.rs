//! The bytes of a response body, as every source hands them out: a stream of chunks. A leaf
//! module, so the pipeline and the sources below it (`p2p`) share the type without a cycle.

use std::io;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;

/// Size of each chunk read from disk and handed to a client: large enough for loopback
/// throughput, small enough that memory per connection stays bounded.
pub const CHUNK_SIZE: usize = 256 * 1024;

/// A body: chunks of at most [`CHUNK_SIZE`] bytes, or the error that ended it.
pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send + Sync>>;
