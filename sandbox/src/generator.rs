//! The synthetic tenant: employees generated lazily from (seed, index).
//!
//! Only the ordered id list, the id → index map and the active flags are built
//! up front, so a tenant of 100,000 employees starts in milliseconds; each
//! page generates just the employees it returns.

use std::collections::HashMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::{employee_id, hash64, unit};
use crate::taxonomy::Taxonomy;

const TAG_EMPLOYEE: u64 = 0x656d_7072;
const TAG_ACTIVE: u64 = 0x6163_7476;

/// Share of employees generated without any task (the contract's "employee
/// without a task profile still appears").
pub const SHARE_WITHOUT_TASKS: f64 = 0.07;

/// Rough headcount weight per domain, in taxonomy order: engineering-heavy
/// tenants have more developers than lawyers.
const DOMAIN_WEIGHTS: [u32; 12] = [22, 8, 14, 7, 5, 10, 6, 8, 9, 3, 4, 6];

/// How a task was judged by the employee or their manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationState {
    /// Confirmed by the employee.
    Validated,
    /// Proposed by the vendor, not yet confirmed.
    Suggested,
    /// Explicitly rejected; shown only with `include: ["rejected_tasks"]`.
    Rejected,
}

impl ValidationState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationState::Validated => "validated",
            ValidationState::Suggested => "suggested",
            ValidationState::Rejected => "rejected",
        }
    }
}

/// Kinds of evidence a task was inferred from.
pub const EVENT_TYPES: [&str; 5] = ["project", "job", "training", "certification", "feedback"];
const EVENT_TYPE_WEIGHTS: [u32; 5] = [30, 35, 15, 10, 10];

/// One piece of evidence shared by an employee's tasks.
#[derive(Clone, Debug)]
pub struct SourceEvent {
    /// UUID-like id.
    pub external_id: String,
    /// Index into [`EVENT_TYPES`].
    pub event_type: usize,
}

/// One task on an employee's profile.
#[derive(Clone, Debug)]
pub struct EmployeeTask {
    /// Index into [`Taxonomy::tasks`]; also the task's pre-order position.
    pub task: usize,
    /// Validation state.
    pub state: ValidationState,
    /// Weekly hours times two, so that half hours stay exact.
    pub half_hours: u8,
    /// Linked skills, as indices into [`Taxonomy::skills`].
    pub linked_skills: Vec<usize>,
    /// Source events, as indices into [`Employee::events`].
    pub events: Vec<usize>,
    /// The vendor's experimental confidence field, in hundredths, on ~5% of tasks.
    pub confidence: Option<u8>,
}

/// A generated employee.
#[derive(Clone, Debug)]
pub struct Employee {
    /// Position in the tenant's oldest-first order.
    pub index: usize,
    /// Tasks sorted by taxonomy pre-order, rejected ones included.
    pub tasks: Vec<EmployeeTask>,
    /// The evidence pool the tasks point into.
    pub events: Vec<SourceEvent>,
}

/// A deterministic synthetic tenant.
#[derive(Debug)]
pub struct Tenant {
    seed: u64,
    /// The task taxonomy and skill vocabulary.
    pub taxonomy: Taxonomy,
    ids: Vec<String>,
    positions: HashMap<String, usize>,
    active: Vec<bool>,
}

fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut r = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if r < w {
            return i;
        }
        r -= w;
    }
    weights.len() - 1
}

fn random_uuid(rng: &mut ChaCha8Rng) -> String {
    let hi: u64 = rng.random();
    let lo: u64 = rng.random();
    crate::ids::uuid_from_u128(((hi as u128) << 64) | lo as u128)
}

impl Tenant {
    /// Builds the tenant's index: ids, positions and active flags.
    pub fn new(employees: usize, seed: u64, inactive_share: f64) -> Tenant {
        let ids: Vec<String> = (0..employees as u64)
            .map(|i| employee_id(seed, i))
            .collect();
        let positions = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let active = (0..employees as u64)
            .map(|i| unit(seed, TAG_ACTIVE, i) >= inactive_share)
            .collect();
        Tenant {
            seed,
            taxonomy: Taxonomy::build(seed),
            ids,
            positions,
            active,
        }
    }

    /// Number of employees.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the tenant has no employees.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The external id of the employee at `index`.
    pub fn id(&self, index: usize) -> &str {
        &self.ids[index]
    }

    /// The position of an external id in the oldest-first order.
    pub fn position(&self, external_id: &str) -> Option<usize> {
        self.positions.get(external_id).copied()
    }

    /// Whether the employee at `index` is active.
    pub fn is_active(&self, index: usize) -> bool {
        self.active[index]
    }

    /// Selects one page: up to `limit` employees at or after `from` whose active
    /// flag equals every entry of `active_filter`, plus whether more such follow.
    pub fn select(&self, from: usize, limit: usize, active_filter: &[bool]) -> (Vec<usize>, bool) {
        let matches = |i: &usize| active_filter.iter().all(|&a| self.active[*i] == a);
        let mut it = (from..self.len()).filter(matches);
        let page: Vec<usize> = it.by_ref().take(limit).collect();
        let has_next = it.next().is_some();
        (page, has_next)
    }

    /// Generates the employee at `index`. Pure in (seed, index).
    pub fn employee(&self, index: usize) -> Employee {
        let tax = &self.taxonomy;
        let mut rng = ChaCha8Rng::seed_from_u64(hash64(self.seed, TAG_EMPLOYEE, index as u64));
        let mut employee = Employee {
            index,
            tasks: Vec::new(),
            events: Vec::new(),
        };
        if rng.random_bool(SHARE_WITHOUT_TASKS) {
            return employee;
        }
        let count = if rng.random_bool(0.08) {
            rng.random_range(1..=4usize)
        } else {
            // A sum of two uniforms peaks around 12, like real profiles.
            rng.random_range(5..=12usize) + rng.random_range(0..=8usize)
        };

        // People work in one to three domains, mostly their primary one.
        let n_domains = [1, 1, 1, 2, 2, 2, 2, 3, 3, 1][rng.random_range(0..10usize)];
        let mut domains: Vec<usize> = Vec::with_capacity(n_domains);
        while domains.len() < n_domains {
            let d = weighted(&mut rng, &DOMAIN_WEIGHTS[..tax.domains.len().min(12)]);
            if !domains.contains(&d) {
                domains.push(d);
            }
        }
        let domain_weights: &[u32] = &[65, 25, 10][..n_domains];
        let available: usize = domains.iter().map(|&d| tax.tasks_by_domain[d].len()).sum();
        let count = count.min(available);

        let pick = |rng: &mut ChaCha8Rng| {
            let d = domains[weighted(rng, domain_weights)];
            let pool = &tax.tasks_by_domain[d];
            pool[rng.random_range(0..pool.len())]
        };
        let mut chosen: Vec<usize> = Vec::with_capacity(count + 2);
        let mut attempts = 0;
        while chosen.len() < count && attempts < 1000 {
            attempts += 1;
            let t = pick(&mut rng);
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }
        let accepted = chosen.len();
        let rejected = [0, 0, 0, 0, 0, 1, 1, 1, 2, 2][rng.random_range(0..10usize)];
        attempts = 0;
        while chosen.len() < accepted + rejected && attempts < 100 {
            attempts += 1;
            let t = pick(&mut rng);
            if !chosen.contains(&t) {
                chosen.push(t);
            }
        }

        let n_events = rng.random_range(2..=6usize);
        employee.events = (0..n_events)
            .map(|_| SourceEvent {
                external_id: random_uuid(&mut rng),
                event_type: weighted(&mut rng, &EVENT_TYPE_WEIGHTS),
            })
            .collect();

        // Spread a 30-40 hour week over the accepted tasks.
        let weights: Vec<f64> = (0..accepted)
            .map(|_| rng.random_range(0.2..1.0f64))
            .collect();
        let weight_sum: f64 = weights.iter().sum();
        let budget = rng.random_range(30..=40u32) as f64;

        for (k, &t) in chosen.iter().enumerate() {
            let is_rejected = k >= accepted;
            let state = if is_rejected {
                ValidationState::Rejected
            } else if rng.random_bool(0.6) {
                ValidationState::Validated
            } else {
                ValidationState::Suggested
            };
            let half_hours = if is_rejected {
                if rng.random_bool(0.7) {
                    0
                } else {
                    rng.random_range(1..=4u8)
                }
            } else {
                let hours = budget * weights[k] / weight_sum;
                (hours * 2.0).round().clamp(1.0, 32.0) as u8
            };
            let task_skills = &tax.tasks[t].skills;
            let linked_skills: Vec<usize> = if rng.random_bool(if is_rejected { 0.5 } else { 0.1 })
            {
                Vec::new()
            } else {
                let mut subset: Vec<usize> = task_skills
                    .iter()
                    .copied()
                    .filter(|_| rng.random_bool(0.6))
                    .collect();
                if subset.is_empty() {
                    subset.push(task_skills[rng.random_range(0..task_skills.len())]);
                }
                subset
            };
            let n_task_events = if is_rejected {
                rng.random_range(0..=1usize)
            } else {
                [1, 1, 1, 2, 2, 3][rng.random_range(0..6usize)]
            }
            .min(n_events);
            let mut events: Vec<usize> = Vec::with_capacity(n_task_events);
            while events.len() < n_task_events {
                let e = rng.random_range(0..n_events);
                if !events.contains(&e) {
                    events.push(e);
                }
            }
            events.sort_unstable();
            let confidence = rng.random_bool(0.05).then(|| rng.random_range(50..=99u8));
            employee.tasks.push(EmployeeTask {
                task: t,
                state,
                half_hours,
                linked_skills,
                events,
                confidence,
            });
        }
        // Pre-order sorting is what makes the list and the hierarchy agree.
        employee.tasks.sort_by_key(|t| t.task);
        employee
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Tenant, Vec<Employee>) {
        let tenant = Tenant::new(5000, 42, 0.1);
        let employees = (0..tenant.len()).map(|i| tenant.employee(i)).collect();
        (tenant, employees)
    }

    #[test]
    fn share_without_tasks_is_about_seven_percent() {
        let (_, employees) = sample();
        let empty = employees.iter().filter(|e| e.tasks.is_empty()).count();
        let share = empty as f64 / employees.len() as f64;
        assert!(
            (0.05..=0.09).contains(&share),
            "share without tasks {share}"
        );
    }

    #[test]
    fn tasks_per_employee_are_mostly_five_to_twenty() {
        let (_, employees) = sample();
        let with_tasks: Vec<usize> = employees
            .iter()
            .map(|e| {
                e.tasks
                    .iter()
                    .filter(|t| t.state != ValidationState::Rejected)
                    .count()
            })
            .filter(|&n| n > 0)
            .collect();
        assert!(with_tasks.iter().all(|&n| (1..=20).contains(&n)));
        let in_range = with_tasks
            .iter()
            .filter(|&&n| (5..=20).contains(&n))
            .count();
        let share = in_range as f64 / with_tasks.len() as f64;
        assert!(share > 0.85, "share with 5-20 tasks {share}");
    }

    #[test]
    fn validation_states_and_rejections_are_realistic() {
        let (_, employees) = sample();
        let tasks: Vec<&EmployeeTask> = employees.iter().flat_map(|e| &e.tasks).collect();
        let validated = tasks
            .iter()
            .filter(|t| t.state == ValidationState::Validated)
            .count();
        let suggested = tasks
            .iter()
            .filter(|t| t.state == ValidationState::Suggested)
            .count();
        let share = validated as f64 / (validated + suggested) as f64;
        assert!((0.55..=0.65).contains(&share), "validated share {share}");
        for e in &employees {
            let rejected = e
                .tasks
                .iter()
                .filter(|t| t.state == ValidationState::Rejected)
                .count();
            assert!(rejected <= 2);
        }
        let confident = tasks.iter().filter(|t| t.confidence.is_some()).count();
        let share = confident as f64 / tasks.len() as f64;
        assert!((0.03..=0.07).contains(&share), "confidence share {share}");
    }

    #[test]
    fn tasks_are_in_preorder_and_attributes_in_range() {
        let (tenant, employees) = sample();
        for e in &employees {
            assert!(e.tasks.windows(2).all(|w| w[0].task < w[1].task));
            let domains: std::collections::HashSet<usize> = e
                .tasks
                .iter()
                .map(|t| tenant.taxonomy.tasks[t.task].domain)
                .collect();
            assert!(domains.len() <= 3);
            for t in &e.tasks {
                assert!(t.half_hours <= 32);
                if t.state != ValidationState::Rejected {
                    assert!(t.half_hours >= 1);
                    assert!((1..=3).contains(&t.events.len()));
                }
                let skills = &tenant.taxonomy.tasks[t.task].skills;
                assert!(t.linked_skills.iter().all(|s| skills.contains(s)));
            }
        }
    }

    #[test]
    fn inactive_share_and_determinism() {
        let (tenant, _) = sample();
        let inactive = (0..tenant.len()).filter(|&i| !tenant.is_active(i)).count();
        let share = inactive as f64 / tenant.len() as f64;
        assert!((0.08..=0.12).contains(&share), "inactive share {share}");
        let again = Tenant::new(10, 42, 0.1);
        assert_eq!(
            format!("{:?}", tenant.employee(3)),
            format!("{:?}", again.employee(3))
        );
        assert_eq!(tenant.position(tenant.id(77)), Some(77));
    }
}
