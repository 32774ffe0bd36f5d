//! Reading and hashing on two cores: this thread reads rows (SQLite connections stay on their thread) in
//! batches, a second thread computes what each item costs (canonical encoding, SHA-256), and the results come
//! back in reading order to be checked here.
use anyhow::Result;
use std::sync::mpsc;

pub const BATCH: usize = 1024;

/// Feeds every item `read` yields through `work` (a batch at a time, one result per item) on a second thread
/// and `check` here, in order.
pub fn run<T, R>(
    mut read: impl FnMut() -> Result<Option<T>>,
    work: impl Fn(&[T]) -> Vec<R> + Send,
    mut check: impl FnMut(T, R),
) -> Result<()>
where
    T: Send,
    R: Send,
{
    std::thread::scope(|s| {
        // Bounded: reading never runs more than two batches ahead of the hashing.
        let (jobs, inbox) = mpsc::sync_channel::<Vec<T>>(2);
        let (done, results) = mpsc::channel::<Vec<(T, R)>>();
        s.spawn(move || {
            for batch in inbox {
                let results = work(&batch);
                let out: Vec<(T, R)> = batch.into_iter().zip(results).collect();
                if done.send(out).is_err() {
                    break;
                }
            }
        });
        let mut end = false;
        while !end {
            let mut batch = Vec::with_capacity(BATCH);
            while batch.len() < BATCH {
                match read()? {
                    Some(t) => batch.push(t),
                    None => {
                        end = true;
                        break;
                    }
                }
            }
            if !batch.is_empty() && jobs.send(batch).is_err() {
                break;
            }
            for out in results.try_iter() {
                out.into_iter().for_each(|(t, r)| check(t, r));
            }
        }
        drop(jobs);
        for out in results {
            out.into_iter().for_each(|(t, r)| check(t, r));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_item_comes_back_once_in_order() {
        let mut n = 0u32;
        let mut seen = Vec::new();
        super::run(
            || {
                n += 1;
                Ok((n <= 5000).then_some(n))
            },
            |xs| xs.iter().map(|x| x * 2).collect(),
            |x, y| seen.push((x, y)),
        )
        .unwrap();
        assert_eq!(seen, (1..=5000).map(|x| (x, x * 2)).collect::<Vec<_>>());
    }

    #[test]
    fn a_read_error_stops_the_run() {
        let mut n = 0;
        let r = super::run(
            || {
                n += 1;
                if n == 3000 {
                    anyhow::bail!("lecture");
                }
                Ok(Some(n))
            },
            |xs| xs.to_vec(),
            |_, _| {},
        );
        assert!(r.is_err());
    }
}
