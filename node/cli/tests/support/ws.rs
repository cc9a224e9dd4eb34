//! A minimal WebSocket client for tests and benches: masked text frames
//! out, whole frames in (pings skipped), over a blocking `TcpStream`.

use std::io::{Read, Write};
use std::net::TcpStream;

type Error = Box<dyn std::error::Error + Send + Sync>;

/// The opcode of a text frame.
pub const TEXT: u8 = 0x1;
/// The opcode of a binary frame.
pub const BINARY: u8 = 0x2;

/// One final, masked frame of `opcode` carrying `payload`, as a client
/// sends it.
pub fn client_frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = vec![0x80 | opcode];
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
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
    frame
}

/// A WebSocket connection.
pub struct Ws(pub TcpStream);

impl Ws {
    pub fn connect(port: u16) -> Result<Ws, Error> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        write!(stream, "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ZW50cm9vcy1iZW5jaC10cHM=\r\nSec-WebSocket-Version: 13\r\n\r\n")?;
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            stream.read_exact(&mut byte)?;
            head.push(byte[0]);
        }
        if !head.starts_with(b"HTTP/1.1 101") {
            return Err(format!(
                "websocket upgrade refused: {}",
                String::from_utf8_lossy(&head)
            )
            .into());
        }
        stream.set_nodelay(true)?;
        Ok(Ws(stream))
    }

    pub fn send(&mut self, text: &str) -> Result<(), Error> {
        let frame = client_frame(TEXT, text.as_bytes());
        self.0.write_all(&frame)?;
        Ok(())
    }

    pub fn receive(&mut self) -> Result<Option<Vec<u8>>, Error> {
        loop {
            let mut head = [0u8; 2];
            self.0.read_exact(&mut head)?;
            let len = match head[1] & 0x7f {
                126 => {
                    let mut b = [0u8; 2];
                    self.0.read_exact(&mut b)?;
                    u64::from(u16::from_be_bytes(b))
                }
                127 => {
                    let mut b = [0u8; 8];
                    self.0.read_exact(&mut b)?;
                    u64::from_be_bytes(b)
                }
                n => u64::from(n),
            };
            let mut payload = vec![0u8; usize::try_from(len)?];
            self.0.read_exact(&mut payload)?;
            match head[0] & 0x0f {
                0x1 | 0x2 => return Ok(Some(payload)),
                0x8 => return Ok(None),
                _ => continue,
            }
        }
    }
}
