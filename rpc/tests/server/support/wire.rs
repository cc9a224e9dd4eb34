//! Minimal clients over real sockets: HTTP/1.1 POST (one request per
//! connection) and WebSocket text frames, on tokio so that they run beside
//! the server on any runtime.

use super::PATIENCE;
use std::net::SocketAddr;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// An HTTP answer: status code and body.
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body, de-chunked.
    pub body: String,
}

/// POSTs a JSON body to `addr`.
pub async fn post(addr: SocketAddr, body: &str) -> Answer {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    stream.write_all(body.as_bytes()).await.expect("write body");
    let mut raw = Vec::new();
    timeout(PATIENCE, stream.read_to_end(&mut raw))
        .await
        .expect("an answer in time")
        .expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Answer { status, body }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        let (Some(chunk), Some(tail)) = (after.get(..size), after.get(size..)) else {
            break;
        };
        if size == 0 {
            break;
        }
        out.push_str(chunk);
        rest = tail.trim_start_matches("\r\n");
    }
    out
}

/// A WebSocket connection.
pub struct Ws(TcpStream);

impl Ws {
    /// Opens a connection to `addr`.
    pub async fn connect(addr: SocketAddr) -> Ws {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let head = format!(
            "GET / HTTP/1.1\r\nhost: {addr}\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-key: ZW50cm9vcy1ycGMtdGVzdHM=\r\nsec-websocket-version: 13\r\n\r\n"
        );
        stream.write_all(head.as_bytes()).await.expect("handshake");
        let mut reply = Vec::new();
        while !reply.ends_with(b"\r\n\r\n") {
            let byte = timeout(PATIENCE, stream.read_u8())
                .await
                .expect("a handshake in time")
                .expect("read");
            reply.push(byte);
        }
        assert!(
            reply.starts_with(b"HTTP/1.1 101"),
            "upgrade refused: {}",
            String::from_utf8_lossy(&reply)
        );
        Ws(stream)
    }

    /// Sends a text frame.
    pub async fn send(&mut self, text: &str) {
        let payload = text.as_bytes();
        let mut frame = vec![0x81u8];
        match payload.len() {
            n if n < 126 => frame.push(0x80 | n as u8),
            n if n <= 0xffff => {
                frame.push(0x80 | 126);
                frame.extend((n as u16).to_be_bytes());
            }
            n => {
                frame.push(0x80 | 127);
                frame.extend((n as u64).to_be_bytes());
            }
        }
        let mask = [0x9e, 0x37, 0x79, 0xb9];
        frame.extend(mask);
        frame.extend(payload.iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
        self.0.write_all(&frame).await.expect("send");
    }

    /// The next text message; fails the test after [`PATIENCE`].
    pub async fn receive(&mut self) -> String {
        timeout(PATIENCE, self.next_text())
            .await
            .expect("a message in time")
    }

    async fn next_text(&mut self) -> String {
        loop {
            let opcode = self.0.read_u8().await.expect("frame") & 0x0f;
            let len = match self.0.read_u8().await.expect("frame") & 0x7f {
                126 => u64::from(self.0.read_u16().await.expect("length")),
                127 => self.0.read_u64().await.expect("length"),
                n => u64::from(n),
            };
            let mut payload = vec![0u8; usize::try_from(len).expect("a frame that fits")];
            self.0.read_exact(&mut payload).await.expect("payload");
            match opcode {
                0x1 | 0x2 => return String::from_utf8(payload).expect("UTF-8"),
                0x8 => panic!("the server closed the connection"),
                _ => continue,
            }
        }
    }
}
