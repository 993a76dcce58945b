//! Native throughput of `TaskStats::add_page` on ~50 MB of realistic pages.
//!
//! Run: `cargo run --release --example stats_speed [MB]`
//!
//! Pages of 100 employees, 5–20 tasks each with every include (weekly hours, AI impact with a
//! rationale, 1–4 linked skills, 1–3 source events), ~400 distinct tasks and ~800 skills, in the
//! list shape. Also times `serde_json::Value` parsing of the same bytes for scale.

use std::fmt::Write as _;
use std::time::Instant;

use task_profiles_core::stats::TaskStats;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn uuid(r: &mut Rng) -> String {
    let a = r.next();
    let b = r.next();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

const VERBS: [&str; 8] = [
    "Write",
    "Review",
    "Plan",
    "Coordinate",
    "Analyse",
    "Maintain",
    "Design",
    "Report",
];
const NOUNS: [&str; 10] = [
    "unit tests",
    "pull requests",
    "sprint capacity",
    "supplier contracts",
    "customer tickets",
    "payroll data",
    "release notes",
    "safety audits",
    "budget forecasts",
    "onboarding sessions",
];
const RATIONALES: [&str; 4] = [
    "Portions can be automated via LLM test generation",
    "Requires human judgment for quality assessment and stakeholder alignment",
    "Forecasting from historical data is largely automatable",
    "Mostly interpersonal work with little room for automation",
];
const STATES: [&str; 3] = ["validated", "suggested", "rejected"];
const EVENTS: [&str; 4] = ["project", "job", "course", "certification"];

fn page(r: &mut Rng, tasks: &[(String, String)], skills: &[(String, String)]) -> Vec<u8> {
    let mut s = String::with_capacity(600_000);
    s.push_str("{\"has_next\": true, \"next_starting_after\": \"");
    s.push_str(&uuid(r));
    s.push_str("\", \"records\": [");
    for e in 0..100 {
        if e > 0 {
            s.push(',');
        }
        let _ = write!(s, "{{\"external_id\": \"{}\", \"tasks\": [", uuid(r));
        let n = r.range(5, 20);
        for t in 0..n {
            if t > 0 {
                s.push(',');
            }
            let (id, name) = &tasks[r.range(0, tasks.len() as u64 - 1) as usize];
            // Mostly validated, some suggested, a few rejected.
            let state = STATES[[0, 0, 0, 0, 0, 0, 1, 1, 1, 2][r.range(0, 9) as usize]];
            let _ = write!(
                s,
                "{{\"task_id\": \"{id}\", \"task\": \"{name}\", \"validation_state\": \"{state}\", \
                 \"weekly_hours\": {}, \"ai_impact\": {{\"level\": \"H{}\", \"rationale\": \"{}\"}}, \
                 \"linked_skills\": [",
                r.range(0, 80) as f64 / 4.0,
                r.range(1, 5),
                RATIONALES[r.range(0, 3) as usize]
            );
            for k in 0..r.range(1, 4) {
                if k > 0 {
                    s.push(',');
                }
                let (sid, sname) = &skills[r.range(0, skills.len() as u64 - 1) as usize];
                let _ = write!(s, "{{\"skill_id\": \"{sid}\", \"skill\": \"{sname}\"}}");
            }
            s.push_str("], \"source_events\": [");
            for k in 0..r.range(1, 3) {
                if k > 0 {
                    s.push(',');
                }
                let _ = write!(
                    s,
                    "{{\"external_id\": \"{}\", \"event_type\": \"{}\"}}",
                    uuid(r),
                    EVENTS[r.range(0, 3) as usize]
                );
            }
            s.push_str("]}");
        }
        s.push_str("]}");
    }
    s.push_str("]}");
    s.into_bytes()
}

fn main() {
    let target_mb: f64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(50.0);
    let mut r = Rng(42);
    let tasks: Vec<(String, String)> = (0..400)
        .map(|i| {
            let name = format!(
                "{} {} ({i})",
                VERBS[i % VERBS.len()],
                NOUNS[(i / VERBS.len()) % NOUNS.len()]
            );
            (name.to_lowercase().replace([' ', '(', ')'], "-"), name)
        })
        .collect();
    let skills: Vec<(String, String)> = (0..800)
        .map(|i| (uuid(&mut r), format!("Skill number {i}")))
        .collect();
    let mut pages = Vec::new();
    let mut bytes = 0usize;
    while (bytes as f64) < target_mb * 1e6 {
        let p = page(&mut r, &tasks, &skills);
        bytes += p.len();
        pages.push(p);
    }
    let mb = bytes as f64 / 1e6;
    println!("{} pages, {mb:.1} MB", pages.len());
    // For comparing with a wasm build or a JS implementation on the very same bytes.
    if let Some(dir) = std::env::var_os("STATS_DUMP_DIR") {
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create STATS_DUMP_DIR");
        for (i, p) in pages.iter().enumerate() {
            std::fs::write(dir.join(format!("page-{i:04}.json")), p).expect("write page");
        }
    }

    let mut best = f64::INFINITY;
    let mut stats = TaskStats::new(20);
    for _ in 0..5 {
        stats = TaskStats::new(20);
        let t = Instant::now();
        for p in &pages {
            stats.add_page(p).expect("generated pages are valid");
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    let s = stats.summary();
    println!(
        "add_page: best of 5 {:.1} ms = {:.0} MB/s ({} employees, {} tasks, {} distinct tasks, {} skills)",
        best * 1e3,
        mb / best,
        s.employees,
        s.tasks,
        s.distinct_tasks,
        s.distinct_skills
    );
    let t = Instant::now();
    let _summary = stats.summary();
    let _json = stats.to_json();
    println!(
        "summary + to_json: {:.2} ms",
        t.elapsed().as_secs_f64() * 1e3
    );

    if std::env::var_os("STATS_ONLY").is_some() {
        return;
    }
    let t = Instant::now();
    for p in &pages {
        let v: serde_json::Value = serde_json::from_slice(p).expect("valid JSON");
        std::hint::black_box(v);
    }
    let dt = t.elapsed().as_secs_f64();
    println!(
        "for scale, serde_json::Value parse: {:.1} ms = {:.0} MB/s",
        dt * 1e3,
        mb / dt
    );
}
