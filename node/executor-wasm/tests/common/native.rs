//! Native Rust versions of the supply-chain verifier and the hash kernel,
//! byte for byte what `workloads/src/supply_chain.c` and
//! `workloads/src/hash_kernel.c` write, for comparison with the wasm runs.

#![allow(dead_code)]

use std::fmt::Write as _;

/// What a native run produced: the output bytes and the exit code.
#[derive(Debug, PartialEq, Eq)]
pub struct NativeRun {
    pub output: Vec<u8>,
    pub exit: u32,
}

const MAX_SUPPLY_INPUT: usize = 256 * 1024;
const MAX_FIELD: usize = 64;
const MAX_DIGITS: usize = 6;
const MIN_TENTHS: i32 = 20;
const MAX_TENTHS: i32 = 80;

struct Step<'a> {
    product: &'a [u8],
    handler: &'a [u8],
    receiver: &'a [u8],
    location: &'a [u8],
    readings: &'a [u8],
}

/// Every reachable verdict is shorter than the C program's 512-byte buffer.
fn finish(mut text: Vec<u8>, exit: u32) -> NativeRun {
    text.push(b'\n');
    NativeRun { output: text, exit }
}

fn malformed(line: u64, reason: &str) -> NativeRun {
    finish(
        format!("MALFORMED line={line} reason={reason}").into_bytes(),
        2,
    )
}

fn split(line: &[u8]) -> Result<Step<'_>, &'static str> {
    let fields: Vec<&[u8]> = line.split(|b| *b == b'|').collect();
    let [product, handler, receiver, location, readings] = fields[..] else {
        return Err("fields");
    };
    if [product, handler, receiver, location]
        .iter()
        .any(|f| f.is_empty() || f.len() > MAX_FIELD)
    {
        return Err("field-length");
    }
    Ok(Step {
        product,
        handler,
        receiver,
        location,
        readings,
    })
}

/// One reading at `pos`: its value and the position after it (and after
/// its comma); `None` if it does not parse, a trailing comma included.
fn next_reading(text: &[u8], pos: usize) -> Option<(i32, usize)> {
    let mut i = pos;
    let negative = text.get(i) == Some(&b'-');
    if negative {
        i += 1;
    }
    let digits = text[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > MAX_DIGITS {
        return None;
    }
    let value = text[i..i + digits]
        .iter()
        .fold(0i32, |v, d| v * 10 + i32::from(d - b'0'));
    i += digits;
    match text.get(i) {
        None => {}
        Some(b',') if i + 1 < text.len() => i += 1,
        Some(_) => return None,
    }
    Some((if negative { -value } else { value }, i))
}

fn tenths(v: i32) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{}", a / 10, a % 10)
}

fn violation(first: &Step<'_>, step: &Step<'_>, index: u64) -> Vec<u8> {
    let mut text = b"VIOLATION product=".to_vec();
    text.extend_from_slice(first.product);
    text.extend_from_slice(format!(" step={index} location=").as_bytes());
    text.extend_from_slice(step.location);
    text.extend_from_slice(b" reason=");
    text
}

/// The verifier over `input`.
pub fn supply_chain(input: &[u8]) -> NativeRun {
    if input.len() > MAX_SUPPLY_INPUT {
        return malformed(0, "input-too-large");
    }
    let body = input.strip_suffix(b"\n").unwrap_or(input);
    if input.is_empty() {
        return malformed(0, "empty");
    }
    let (mut steps, mut count, mut min, mut max) = (Vec::<Step<'_>>::new(), 0u64, 0i32, 0i32);
    for (index, line) in body.split(|b| *b == b'\n').enumerate() {
        let index = index as u64;
        let step = match split(line) {
            Ok(step) => step,
            Err(reason) => return malformed(index, reason),
        };
        let first = steps.first().unwrap_or(&step);
        if step.product != first.product {
            let mut text = violation(first, &step, index);
            text.extend_from_slice(b"product-mismatch");
            return finish(text, 1);
        }
        if let Some(prev) = steps.last() {
            if step.handler != prev.receiver {
                let mut text = violation(first, &step, index);
                text.extend_from_slice(b"custody-break expected=");
                text.extend_from_slice(prev.receiver);
                text.extend_from_slice(b" got=");
                text.extend_from_slice(step.handler);
                return finish(text, 1);
            }
        }
        let (mut pos, mut k) = (0usize, 0u64);
        while pos < step.readings.len() || k == 0 {
            let Some((v, next)) = next_reading(step.readings, pos) else {
                return malformed(index, "reading");
            };
            if !(MIN_TENTHS..=MAX_TENTHS).contains(&v) {
                let mut text = violation(first, &step, index);
                let reason = if v < MIN_TENTHS {
                    "too-cold"
                } else {
                    "too-hot"
                };
                text.extend_from_slice(
                    format!("{reason} reading={k} value={}", tenths(v)).as_bytes(),
                );
                return finish(text, 1);
            }
            if count == 0 || v < min {
                min = v;
            }
            if count == 0 || v > max {
                max = v;
            }
            count += 1;
            pos = next;
            k += 1;
        }
        steps.push(step);
    }
    let mut text = b"OK product=".to_vec();
    text.extend_from_slice(steps[0].product);
    let mut tail = String::new();
    let _ = write!(
        tail,
        " steps={} readings={count} min={} max={}",
        steps.len(),
        tenths(min),
        tenths(max)
    );
    text.extend_from_slice(tail.as_bytes());
    finish(text, 0)
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const MAX_HASH_INPUT: usize = 256 * 1024 + 4;

/// FNV-1a 64 over `data`, `rounds` times.
pub fn fnv1a64(data: &[u8], rounds: u32) -> u64 {
    let mut h = FNV_OFFSET;
    for _ in 0..rounds {
        for byte in data {
            h ^= u64::from(*byte);
            h = h.wrapping_mul(FNV_PRIME);
        }
    }
    h
}

/// The hash kernel over `input` (4-byte LE rounds, then data).
pub fn hash_kernel(input: &[u8]) -> NativeRun {
    if input.len() < 4 || input.len() > MAX_HASH_INPUT {
        return NativeRun {
            output: b"MALFORMED\n".to_vec(),
            exit: 2,
        };
    }
    let (head, data) = input.split_at(4);
    let rounds = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
    let hash = fnv1a64(data, rounds);
    let text = format!(
        "fnv1a64 rounds={rounds} bytes={} hash={hash:016x}\n",
        data.len()
    );
    NativeRun {
        output: text.into_bytes(),
        exit: 0,
    }
}

/// A hash-kernel input: `rounds` then `data`.
pub fn hash_input(rounds: u32, data: &[u8]) -> Vec<u8> {
    let mut input = rounds.to_le_bytes().to_vec();
    input.extend_from_slice(data);
    input
}
