//! The organisation-wide summary: what `TaskStats.summary()` returns to JS.

use serde::{Serialize, Serializer};

use super::aggregate::{sort_indices, Agg, Interner, REJECTED};
use super::exact_sum::ExactSum;
use crate::json::write::{field_f64, field_str, field_u64, key, push_json_str, push_u64};

/// Organisation-wide figures over every record added (serialises to the camelCase JS shape).
///
/// Rejected tasks (`validation_state == "rejected"`) count only in `validation_states` and
/// `rejected_tasks`. Every hour figure is the exact sum rounded once, so it is the same for any
/// split of the records into pages and shards.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Records added.
    pub employees: u64,
    /// Records with no task other than rejected ones.
    pub employees_without_tasks: u64,
    /// Non-rejected task assignments.
    pub tasks: u64,
    /// Rejected task assignments.
    pub rejected_tasks: u64,
    /// Distinct `task_id` among non-rejected tasks.
    pub distinct_tasks: u64,
    /// Distinct `skill_id` linked to non-rejected tasks.
    pub distinct_skills: u64,
    /// Non-rejected tasks per employee, over all employees.
    pub tasks_per_employee: TasksPerEmployee,
    /// Task assignments per validation state, rejected included.
    #[serde(serialize_with = "by_name")]
    pub validation_states: Vec<(String, u64)>,
    /// Non-rejected tasks by `ai_impact.level` (`"unknown"` when absent).
    #[serde(serialize_with = "by_name")]
    pub ai_impact: Vec<(String, AiImpactStats)>,
    /// Weekly hours of non-rejected tasks.
    pub weekly_hours: WeeklyHours,
    /// Most widespread non-rejected tasks: employees desc, then task id asc; at most top N.
    pub top_tasks: Vec<TopTask>,
    /// Most widespread skills: employees desc, then tasks desc, then skill id asc; at most top N.
    pub top_skills: Vec<TopSkill>,
    /// Source events of non-rejected tasks by `event_type`.
    #[serde(serialize_with = "by_name")]
    pub source_event_types: Vec<(String, u64)>,
}

/// Distribution of non-rejected tasks per employee (all zero when there are no employees).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct TasksPerEmployee {
    /// Tasks / employees.
    pub mean: f64,
    /// Nearest-rank median.
    pub p50: u64,
    /// Nearest-rank 90th percentile.
    pub p90: u64,
    /// The most tasks any employee has.
    pub max: u64,
}

/// Non-rejected tasks of one AI impact level.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AiImpactStats {
    /// Task assignments.
    pub tasks: u64,
    /// Sum of their weekly hours.
    pub weekly_hours: f64,
}

/// Weekly hours of non-rejected tasks.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct WeeklyHours {
    /// Sum over all tasks that have hours.
    pub total: f64,
    /// Tasks that have `weekly_hours`.
    pub tasks_with_hours: u64,
    /// `total / employees` (0 without employees).
    pub mean_per_employee: f64,
}

/// One entry of [`Summary::top_tasks`].
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopTask {
    /// The task's `task_id`.
    pub task_id: String,
    /// Display name: the smallest (by code point) of the names seen for this id.
    pub task: String,
    /// Records holding the task.
    pub employees: u64,
    /// Sum of the task's weekly hours.
    pub weekly_hours: f64,
}

/// One entry of [`Summary::top_skills`].
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TopSkill {
    /// The skill's `skill_id`.
    pub skill_id: String,
    /// Display name: the smallest (by code point) of the names seen for this id.
    pub skill: String,
    /// Non-rejected task assignments linking the skill.
    pub tasks: u64,
    /// Records linking the skill from a non-rejected task.
    pub employees: u64,
}

impl Summary {
    /// The summary as JSON text, exactly as `serde_json::to_string` writes it (written by hand:
    /// the derived serialiser costs KBs of wasm for one call).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(1024);
        out.push('{');
        field_u64(&mut out, "employees", self.employees);
        field_u64(
            &mut out,
            "employeesWithoutTasks",
            self.employees_without_tasks,
        );
        field_u64(&mut out, "tasks", self.tasks);
        field_u64(&mut out, "rejectedTasks", self.rejected_tasks);
        field_u64(&mut out, "distinctTasks", self.distinct_tasks);
        field_u64(&mut out, "distinctSkills", self.distinct_skills);
        key(&mut out, "tasksPerEmployee");
        let t = &self.tasks_per_employee;
        out.push('{');
        field_f64(&mut out, "mean", t.mean);
        field_u64(&mut out, "p50", t.p50);
        field_u64(&mut out, "p90", t.p90);
        field_u64(&mut out, "max", t.max);
        out.push('}');
        key(&mut out, "validationStates");
        count_map(&mut out, &self.validation_states);
        key(&mut out, "aiImpact");
        out.push('{');
        for (j, (k, v)) in self.ai_impact.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            push_json_str(&mut out, k);
            out.push_str(":{");
            field_u64(&mut out, "tasks", v.tasks);
            field_f64(&mut out, "weeklyHours", v.weekly_hours);
            out.push('}');
        }
        out.push('}');
        key(&mut out, "weeklyHours");
        let w = &self.weekly_hours;
        out.push('{');
        field_f64(&mut out, "total", w.total);
        field_u64(&mut out, "tasksWithHours", w.tasks_with_hours);
        field_f64(&mut out, "meanPerEmployee", w.mean_per_employee);
        out.push('}');
        key(&mut out, "topTasks");
        out.push('[');
        for (j, t) in self.top_tasks.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push('{');
            field_str(&mut out, "taskId", &t.task_id);
            field_str(&mut out, "task", &t.task);
            field_u64(&mut out, "employees", t.employees);
            field_f64(&mut out, "weeklyHours", t.weekly_hours);
            out.push('}');
        }
        out.push(']');
        key(&mut out, "topSkills");
        out.push('[');
        for (j, t) in self.top_skills.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push('{');
            field_str(&mut out, "skillId", &t.skill_id);
            field_str(&mut out, "skill", &t.skill);
            field_u64(&mut out, "tasks", t.tasks);
            field_u64(&mut out, "employees", t.employees);
            out.push('}');
        }
        out.push(']');
        key(&mut out, "sourceEventTypes");
        count_map(&mut out, &self.source_event_types);
        out.push('}');
        out
    }
}

/// The named figures of a summary, sorted by name, as one JSON object (for the derived
/// serialiser, which the tests check [`Summary::to_json`] against).
fn by_name<T: Serialize, S: Serializer>(
    named: &[(String, T)],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_map(named.iter().map(|(k, v)| (k, v)))
}

fn count_map(out: &mut String, map: &[(String, u64)]) {
    out.push('{');
    for (j, (k, n)) in map.iter().enumerate() {
        if j > 0 {
            out.push(',');
        }
        push_json_str(out, k);
        out.push(':');
        push_u64(out, *n);
    }
    out.push('}');
}

/// Value at 1-based nearest rank `ceil(p/100 * n)` of the distribution `count → records`.
fn percentile(dist: &[(u64, u64)], n: u64, p: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    let rank = ((p as u128 * n as u128).div_ceil(100)).max(1);
    let mut seen = 0u128;
    for &(k, c) in dist {
        seen += c as u128;
        if seen >= rank {
            return k;
        }
    }
    dist.last().map_or(0, |&(k, _)| k)
}

/// The interned names with a non-zero count, sorted by name, each with its count (`note` sees
/// each as it is taken). Sorted through the shared index sort: a `BTreeMap` would bring its own
/// code into the module for every key and value type.
fn by_name_order(
    names: &Interner,
    count: impl Fn(usize) -> u64,
    mut note: impl FnMut(&str, u64),
) -> Vec<(String, u64)> {
    let mut order: Vec<u32> = (0..names.len() as u32)
        .filter(|&i| count(i as usize) > 0)
        .collect();
    sort_indices(&mut order, &mut |x, y| names.name(x).cmp(names.name(y)));
    order
        .into_iter()
        .map(|i| {
            let (name, n) = (names.name(i), count(i as usize));
            note(name, n);
            (name.to_owned(), n)
        })
        .collect()
}

pub(crate) fn summarize(a: &Agg, top_n: usize) -> Summary {
    let records: u64 = a.tasks_per_employee.iter().map(|&(_, n)| n).sum();
    let tasks: u64 = a.tasks.iter().flat_map(|t| &t.cells).map(|c| c.tasks).sum();

    let mut rejected_tasks = 0;
    let validation_states = by_name_order(
        &a.states,
        |i| a.state_counts[i],
        |name, n| {
            if name == REJECTED {
                rejected_tasks = n;
            }
        },
    );

    // Per level id (each id is one distinct name); sorted by name below.
    let mut by_level: Vec<Option<(u64, ExactSum)>> = (0..a.levels.len()).map(|_| None).collect();
    let mut total = ExactSum::default();
    let mut tasks_with_hours = 0;
    let mut task_hours = Vec::with_capacity(a.tasks.len());
    for t in &a.tasks {
        let mut th = ExactSum::default();
        for c in &t.cells {
            let e = by_level[c.level as usize].get_or_insert_with(Default::default);
            e.0 += c.tasks;
            e.1.add_sum(&c.hours);
            th.add_sum(&c.hours);
            tasks_with_hours += c.with_hours;
        }
        total.add_sum(&th);
        task_hours.push(th.value());
    }
    let total = total.value();

    let mut order: Vec<u32> = (0..a.tasks.len() as u32).collect();
    sort_indices(&mut order, &mut |x, y| {
        a.tasks[y as usize]
            .employees
            .cmp(&a.tasks[x as usize].employees)
            .then_with(|| a.task_ids.name(x).cmp(a.task_ids.name(y)))
    });
    let top_tasks = order
        .iter()
        .take(top_n)
        .map(|&i| (i, i as usize))
        .map(|(id, i)| TopTask {
            task_id: a.task_ids.name(id).to_owned(),
            task: a.tasks[i].name.to_string(),
            employees: a.tasks[i].employees,
            weekly_hours: task_hours[i],
        })
        .collect();

    let mut order: Vec<u32> = (0..a.skills.len() as u32).collect();
    sort_indices(&mut order, &mut |x, y| {
        let (sx, sy) = (&a.skills[x as usize], &a.skills[y as usize]);
        sy.employees
            .cmp(&sx.employees)
            .then(sy.tasks.cmp(&sx.tasks))
            .then_with(|| a.skill_ids.name(x).cmp(a.skill_ids.name(y)))
    });
    let top_skills = order
        .iter()
        .take(top_n)
        .map(|&i| (i, i as usize))
        .map(|(id, i)| TopSkill {
            skill_id: a.skill_ids.name(id).to_owned(),
            skill: a.skills[i].name.to_string(),
            tasks: a.skills[i].tasks,
            employees: a.skills[i].employees,
        })
        .collect();

    let source_event_types = by_name_order(&a.event_types, |i| a.event_counts[i], |_, _| {});
    let mut levels: Vec<u32> = (0..by_level.len() as u32)
        .filter(|&i| by_level[i as usize].is_some())
        .collect();
    sort_indices(&mut levels, &mut |x, y| {
        a.levels.name(x).cmp(a.levels.name(y))
    });
    let ai_impact = levels
        .into_iter()
        .filter_map(|id| {
            let (tasks, h) = by_level[id as usize].as_ref()?;
            let stats = AiImpactStats {
                tasks: *tasks,
                weekly_hours: h.value(),
            };
            Some((a.levels.name(id).to_owned(), stats))
        })
        .collect();

    let per_employee = |x: f64| {
        if records == 0 {
            0.0
        } else {
            x / records as f64
        }
    };
    Summary {
        employees: records,
        employees_without_tasks: match a.tasks_per_employee.first() {
            Some(&(0, n)) => n,
            _ => 0,
        },
        tasks,
        rejected_tasks,
        distinct_tasks: a.tasks.len() as u64,
        distinct_skills: a.skills.len() as u64,
        tasks_per_employee: TasksPerEmployee {
            mean: per_employee(tasks as f64),
            p50: percentile(&a.tasks_per_employee, records, 50),
            p90: percentile(&a.tasks_per_employee, records, 90),
            max: a.tasks_per_employee.last().map_or(0, |&(k, _)| k),
        },
        validation_states,
        ai_impact,
        weekly_hours: WeeklyHours {
            total,
            tasks_with_hours,
            mean_per_employee: per_employee(total),
        },
        top_tasks,
        top_skills,
        source_event_types,
    }
}
