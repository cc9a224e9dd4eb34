//! A minimal HTTP/1.1 client for tests and benches: one request per
//! connection (`connection: close`), chunked bodies decoded.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// A response: status code, raw header block, body.
pub struct Response {
    /// The status code (0 if the reply was not HTTP).
    pub status: u16,
    /// The header lines as received.
    pub headers: String,
    /// The body, de-chunked.
    pub body: String,
}

/// Sends `method path` to 127.0.0.1:`port` with extra `headers` and `body`.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    // A server may answer (and close) before reading an oversized body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let read = stream.read_to_end(&mut raw);
    if raw.is_empty() {
        read?;
    }
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (headers, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let body = if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Ok(Response {
        status,
        headers: headers.to_string(),
        body,
    })
}

/// POSTs a JSON body.
pub fn post_json(port: u16, body: &[u8]) -> std::io::Result<Response> {
    request(
        port,
        "POST",
        "/",
        &[("content-type", "application/json")],
        body,
    )
}

/// GETs `path`; the body.
pub fn get(port: u16, path: &str) -> std::io::Result<String> {
    Ok(request(port, "GET", path, &[], &[])?.body)
}

/// A gauge or counter's value from the Prometheus endpoint on `port`.
pub fn metric(port: u16, name: &str) -> std::io::Result<f64> {
    let text = get(port, "/metrics")?;
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no metric {name}")))
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}
