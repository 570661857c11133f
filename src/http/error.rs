//! JSON error bodies: `{ "error": "...", "code": "..." }` with the matching status.

use serde::Serialize;
use warp::Reply;
use warp::http::StatusCode;
use warp::reply::Response;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    code: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl Reply for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: &self.message,
            code: self.code,
        };
        warp::reply::with_status(warp::reply::json(&body), self.status).into_response()
    }
}
