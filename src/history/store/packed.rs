//! Version 2 of the stored form: a URL's raw columns and its hourly columns each packed into
//! one base64 string of LEB128 varints (signed values zigzagged), in the order the JSON form
//! names them. The same numbers as JSON arrays took most of a run's time to read and write.
//! Reading is bounded by the bytes given (a count larger than what is left is refused before
//! anything is allocated), rejects trailing bytes, and never panics.

use base64::Engine;

use super::{HourColumns, RawColumns, ReasonCode, Runs};
use crate::report::Status;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Bytes being packed.
#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    fn i(&mut self, v: i64) {
        self.u(((v << 1) ^ (v >> 63)) as u64);
    }
}

/// Packed bytes being read.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn u(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let Some(&b) = self.bytes.get(self.at) else {
                return Err("ends inside a number".into());
            };
            self.at += 1;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err("a number is too large".into());
            }
            v |= part << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a number is too large".into())
    }

    fn i(&mut self) -> Result<i64, String> {
        let z = self.u()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    fn u32(&mut self) -> Result<u32, String> {
        u32::try_from(self.u()?).map_err(|_| "a count is too large".to_string())
    }

    /// A count of items that follow, each at least one byte: never more than what is left.
    fn len(&mut self) -> Result<usize, String> {
        let n = self.u()?;
        let left = self.bytes.len() - self.at;
        usize::try_from(n)
            .ok()
            .filter(|n| *n <= left)
            .ok_or_else(|| format!("a column claims {n} values in {left} bytes"))
    }
}

/// One value as packed.
trait Pack: Sized {
    fn put(&self, w: &mut Writer);
    fn take(r: &mut Reader<'_>) -> Result<Self, String>;
}

impl Pack for i64 {
    fn put(&self, w: &mut Writer) {
        w.i(*self);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        r.i()
    }
}

impl Pack for u32 {
    fn put(&self, w: &mut Writer) {
        w.u(u64::from(*self));
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        r.u32()
    }
}

impl Pack for Status {
    fn put(&self, w: &mut Writer) {
        w.u(match self {
            Status::Up => 0,
            Status::Degraded => 1,
            Status::Down => 2,
            Status::Unknown => 3,
        });
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        Ok(match r.u()? {
            0 => Status::Up,
            1 => Status::Degraded,
            2 => Status::Down,
            3 => Status::Unknown,
            n => return Err(format!("unknown status code {n}")),
        })
    }
}

/// Named reasons as 0–10, an HTTP status as itself (100–599).
impl Pack for ReasonCode {
    fn put(&self, w: &mut Writer) {
        w.u(match self {
            ReasonCode::Ok => 0,
            ReasonCode::Timeout => 1,
            ReasonCode::Refused => 2,
            ReasonCode::Dns => 3,
            ReasonCode::Tls => 4,
            ReasonCode::Body => 5,
            ReasonCode::Slow => 6,
            ReasonCode::Cert => 7,
            ReasonCode::Redirect => 8,
            ReasonCode::Cancelled => 9,
            ReasonCode::Error => 10,
            ReasonCode::Http(code) => u64::from(*code),
        });
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        Ok(match r.u()? {
            0 => ReasonCode::Ok,
            1 => ReasonCode::Timeout,
            2 => ReasonCode::Refused,
            3 => ReasonCode::Dns,
            4 => ReasonCode::Tls,
            5 => ReasonCode::Body,
            6 => ReasonCode::Slow,
            7 => ReasonCode::Cert,
            8 => ReasonCode::Redirect,
            9 => ReasonCode::Cancelled,
            10 => ReasonCode::Error,
            n @ 100..=599 => ReasonCode::Http(n as u16),
            n => return Err(format!("unknown reason code {n}")),
        })
    }
}

/// None as 0, a value as itself plus one (zigzagged when signed).
impl Pack for Option<i64> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.u(0),
            Some(v) => w.u((((*v << 1) ^ (*v >> 63)) as u64).saturating_add(1)),
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        Ok(match r.u()? {
            0 => None,
            n => {
                let z = n - 1;
                Some(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
        })
    }
}

impl Pack for Option<u32> {
    fn put(&self, w: &mut Writer) {
        w.u(self.map_or(0, |v| u64::from(v) + 1));
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        match r.u()? {
            0 => Ok(None),
            n => u32::try_from(n - 1)
                .map(Some)
                .map_err(|_| "a value is too large".to_string()),
        }
    }
}

/// A run: the value, then how many times it repeats.
impl<T: Pack> Pack for (T, u32) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        Ok((T::take(r)?, r.u32()?))
    }
}

/// A column: its length, then its values.
impl<T: Pack> Pack for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.u(self.len() as u64);
        for v in self {
            v.put(w);
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        let n = r.len()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(T::take(r)?);
        }
        Ok(out)
    }
}

/// A column's first time, when there is one: 0 for none, else 1 and the time.
impl Pack for Option<Start> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.u(0),
            Some(Start(t)) => {
                w.u(1);
                w.i(*t);
            }
        }
    }
    fn take(r: &mut Reader<'_>) -> Result<Self, String> {
        match r.u()? {
            0 => Ok(None),
            1 => Ok(Some(Start(r.i()?))),
            n => Err(format!("unknown start marker {n}")),
        }
    }
}

/// A start time (told apart from a delta, which packs as `Option<i64>`).
struct Start(i64);

fn start(t: Option<i64>) -> Option<Start> {
    t.map(Start)
}

fn unstart(t: Option<Start>) -> Option<i64> {
    t.map(|Start(t)| t)
}

/// Decode `text`, read it with `f`, and require that nothing is left.
fn unpack<T>(
    text: &str,
    what: &str,
    f: impl FnOnce(&mut Reader<'_>) -> Result<T, String>,
) -> Result<T, String> {
    let bytes = B64
        .decode(text)
        .map_err(|_| format!("packed {what} columns are not base64"))?;
    let mut r = Reader {
        bytes: &bytes,
        at: 0,
    };
    let out = f(&mut r).map_err(|e| format!("packed {what} columns: {e}"))?;
    if r.at != bytes.len() {
        return Err(format!("packed {what} columns have bytes after the last"));
    }
    Ok(out)
}

fn take<T: Pack>(r: &mut Reader<'_>) -> Result<T, String> {
    T::take(r)
}

impl RawColumns {
    pub(super) fn pack(&self) -> String {
        let mut w = Writer::default();
        start(self.t0).put(&mut w);
        self.dt.put(&mut w);
        self.cov.put(&mut w);
        self.c.put(&mut w);
        self.o.put(&mut w);
        self.ms.put(&mut w);
        self.r.put(&mut w);
        B64.encode(w.0)
    }

    pub(super) fn unpack(text: &str) -> Result<RawColumns, String> {
        unpack(text, "raw", |r| {
            Ok(RawColumns {
                t0: unstart(take(r)?),
                dt: take::<Runs<i64>>(r)?,
                cov: take(r)?,
                c: take(r)?,
                o: take(r)?,
                ms: take(r)?,
                r: take(r)?,
            })
        })
    }
}

impl HourColumns {
    pub(super) fn pack(&self) -> String {
        let mut w = Writer::default();
        start(self.h0).put(&mut w);
        self.dh.put(&mut w);
        self.up.put(&mut w);
        self.deg.put(&mut w);
        self.down.put(&mut w);
        self.obs.put(&mut w);
        self.ups.put(&mut w);
        self.p50.put(&mut w);
        self.p95.put(&mut w);
        self.max.put(&mut w);
        B64.encode(w.0)
    }

    pub(super) fn unpack(text: &str) -> Result<HourColumns, String> {
        unpack(text, "hourly", |r| {
            Ok(HourColumns {
                h0: unstart(take(r)?),
                dh: take(r)?,
                up: take(r)?,
                deg: take(r)?,
                down: take(r)?,
                obs: take(r)?,
                ups: take(r)?,
                p50: take(r)?,
                p95: take(r)?,
                max: take(r)?,
            })
        })
    }
}

/// Runs of equal values written as a `Runs` column would be (its length, then each run),
/// straight from the values: one pass counts the runs, a second writes them, and no column is
/// built on the way.
fn put_runs<T: Pack + PartialEq>(w: &mut Writer, items: impl Iterator<Item = T> + Clone) {
    fn each<T: PartialEq>(items: impl Iterator<Item = T>, mut f: impl FnMut((T, u32))) {
        let mut run: Option<(T, u32)> = None;
        for item in items {
            match &mut run {
                Some((v, n)) if *v == item && *n < u32::MAX => *n += 1,
                _ => {
                    if let Some(r) = run.take() {
                        f(r);
                    }
                    run = Some((item, 1));
                }
            }
        }
        if let Some(r) = run {
            f(r);
        }
    }
    let mut count = 0u64;
    each(items.clone(), |_| count += 1);
    w.u(count);
    each(items, |r| r.put(w));
}

/// `Some` values as deltas from the previous `Some` (the first from 0), as `deltas` gives them,
/// written as a column.
fn put_deltas(w: &mut Writer, len: usize, values: impl Iterator<Item = Option<u32>>) {
    w.u(len as u64);
    let mut prev = 0i64;
    for v in values {
        let d = v.map(|v| {
            let d = i64::from(v) - prev;
            prev = i64::from(v);
            d
        });
        d.put(w);
    }
}

/// Times as a start and runs of gaps, as `time_deltas` gives them.
fn put_times(w: &mut Writer, times: &[i64]) {
    start(times.first().copied()).put(w);
    put_runs(w, times.windows(2).map(|p| p[1] - p[0]));
}

/// The packed raw columns of these samples: what `RawColumns::pack` gives for the columns
/// `UrlColumns::from_url` builds, without building them.
pub(super) fn pack_samples(s: &[super::Raw]) -> String {
    let mut w = Writer(Vec::with_capacity(s.len() * 3 + 16));
    let times: Vec<i64> = s.iter().map(|s| s.at).collect();
    put_times(&mut w, &times);
    put_runs(&mut w, s.iter().map(|s| u32::from(s.covers)));
    put_runs(&mut w, s.iter().map(|s| s.counted));
    put_runs(&mut w, s.iter().map(|s| s.observed));
    put_deltas(&mut w, s.len(), s.iter().map(super::Raw::ms));
    put_runs(&mut w, s.iter().map(|s| s.reason));
    B64.encode(w.0)
}

/// The packed hourly columns of these hours, as `pack_samples` for samples.
pub(super) fn pack_hours(h: &[super::Hour]) -> String {
    use super::Hour;
    let mut w = Writer(Vec::with_capacity(h.len() * 6 + 16));
    let times: Vec<i64> = h.iter().map(Hour::start).collect();
    put_times(&mut w, &times);
    put_runs(&mut w, h.iter().map(Hour::up));
    put_runs(&mut w, h.iter().map(Hour::degraded));
    put_runs(&mut w, h.iter().map(Hour::down));
    put_runs(&mut w, h.iter().map(Hour::observed_secs));
    put_runs(&mut w, h.iter().map(Hour::up_secs));
    put_deltas(&mut w, h.len(), h.iter().map(Hour::p50_ms));
    w.u(h.len() as u64);
    for x in h {
        x.p95_ms()
            .map(|p95| p95.saturating_sub(x.p50_ms().unwrap_or(0)))
            .put(&mut w);
    }
    w.u(h.len() as u64);
    for x in h {
        x.max_ms()
            .map(|max| max.saturating_sub(x.p95_ms().unwrap_or(0)))
            .put(&mut w);
    }
    B64.encode(w.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back_at_their_edges() {
        let mut w = Writer::default();
        for v in [0, 1, 127, 128, u64::from(u32::MAX), u64::MAX] {
            w.u(v);
        }
        for v in [0, -1, 1, i64::MIN, i64::MAX] {
            w.i(v);
        }
        let mut r = Reader { bytes: &w.0, at: 0 };
        for v in [0, 1, 127, 128, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(r.u().unwrap(), v);
        }
        for v in [0, -1, 1, i64::MIN, i64::MAX] {
            assert_eq!(r.i().unwrap(), v);
        }
        assert_eq!(r.at, w.0.len());
    }

    #[test]
    fn a_number_past_64_bits_or_cut_short_is_refused() {
        let mut r = Reader {
            bytes: &[0xff; 10],
            at: 0,
        };
        assert!(r.u().unwrap_err().contains("too large"));
        let mut r = Reader {
            bytes: &[0x80],
            at: 0,
        };
        assert!(r.u().unwrap_err().contains("ends inside"));
    }

    #[test]
    fn columns_read_back_the_same() {
        let raw = RawColumns {
            t0: Some(1_700_000_000),
            dt: vec![(300, 5), (301, 1)],
            cov: vec![(0, 1), (600, 6)],
            c: vec![(Status::Up, 3), (Status::Down, 2), (Status::Unknown, 2)],
            o: vec![(Status::Degraded, 7)],
            ms: vec![
                Some(120),
                Some(-20),
                None,
                Some(0),
                Some(86_400_000),
                None,
                Some(-1),
            ],
            r: vec![
                (ReasonCode::Ok, 3),
                (ReasonCode::Http(503), 2),
                (ReasonCode::Error, 2),
            ],
        };
        let back = RawColumns::unpack(&raw.pack()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{raw:?}"));
        let hours = HourColumns {
            h0: None,
            p50: vec![None, Some(7)],
            p95: vec![Some(u32::MAX), None],
            ..HourColumns::default()
        };
        let back = HourColumns::unpack(&hours.pack()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{hours:?}"));
    }

    #[test]
    fn damaged_packing_is_an_error_not_a_panic_or_a_huge_allocation() {
        let good = RawColumns {
            t0: Some(1_700_000_000),
            dt: vec![(300, 2)],
            ..RawColumns::default()
        }
        .pack();
        let bytes = B64.decode(&good).unwrap();
        // Every prefix, and every byte changed to every value.
        for cut in 0..bytes.len() {
            let _ = RawColumns::unpack(&B64.encode(&bytes[..cut]));
        }
        for i in 0..bytes.len() {
            for b in 0..=255u8 {
                let mut d = bytes.clone();
                d[i] = b;
                let _ = RawColumns::unpack(&B64.encode(&d));
            }
        }
        // A column claiming 2^40 values in a few bytes.
        let mut w = Writer::default();
        w.u(0);
        w.u(1 << 40);
        let e = RawColumns::unpack(&B64.encode(&w.0)).unwrap_err();
        assert!(e.contains("claims 1099511627776 values"), "{e}");
        assert!(RawColumns::unpack("not base64!")
            .unwrap_err()
            .contains("base64"));
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(RawColumns::unpack(&B64.encode(&extra))
            .unwrap_err()
            .contains("after the last"));
    }
}
