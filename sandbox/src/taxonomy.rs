//! The tenant's task taxonomy and skill vocabulary.
//!
//! The names and the tree come from `taxonomy_data.txt` so that they read like a
//! real tenant's; per-task attributes (AI impact, related skills) are drawn from
//! the seed, so two seeds give two plausible but different tenants.

use std::collections::HashMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ids::{hash64, uuid_from_u128};

const DATA: &str = include_str!("taxonomy_data.txt");

/// Suffixes combined with each domain's skill areas ("Cloud" + "Architecture").
const SKILL_NOUNS: [&str; 20] = [
    "Analysis",
    "Architecture",
    "Management",
    "Modelling",
    "Reporting",
    "Governance",
    "Automation",
    "Design",
    "Planning",
    "Operations",
    "Strategy",
    "Auditing",
    "Testing",
    "Compliance",
    "Documentation",
    "Forecasting",
    "Administration",
    "Optimization",
    "Engineering",
    "Communication",
];

/// Rationale templates per AI impact level; `{}` is the task's object ("vendor invoices").
const RATIONALES: [[&str; 3]; 5] = [
    [
        "Work on {} follows repeatable patterns that current AI tools largely automate",
        "Generating {} from existing records is largely automatable",
        "Most steps for {} are rule-based and can be handed to automation",
    ],
    [
        "Portions of the work on {} can be automated with AI assistance",
        "AI drafts {} well, leaving review and edge cases to people",
        "Routine parts of {} are automatable; exceptions still need a person",
    ],
    [
        "AI can prepare {}, but human judgment is needed to finalise them",
        "Requires human judgment for {}, with AI speeding up the research",
        "Half of the effort on {} is assisted; decisions stay with people",
    ],
    [
        "Mostly relies on context about {} that AI does not have",
        "AI helps summarise inputs, but {} depend on human relationships",
        "Stakeholder trade-offs around {} keep this largely human",
    ],
    [
        "Accountability for {} cannot be delegated to AI",
        "Depends on trust and negotiation around {} that AI cannot take over",
        "Little of the work on {} is exposed to current AI capabilities",
    ],
];

/// A vendor vocabulary in which linked skill names are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// TechWolf's own skill names ("Python").
    Techwolf,
    /// Workday-style names with a category ("Python (Programming Language)").
    Workday,
    /// SAP attribute-library-style names ("Python proficiency").
    SapAttributeLibrary,
}

impl Vendor {
    /// Every vendor, in the order the contract lists them.
    pub const ALL: [Vendor; 3] = [
        Vendor::Techwolf,
        Vendor::Workday,
        Vendor::SapAttributeLibrary,
    ];

    /// The query-parameter spelling of the vendor.
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Techwolf => "techwolf",
            Vendor::Workday => "workday",
            Vendor::SapAttributeLibrary => "sap_attribute_library",
        }
    }

    /// Parses the query-parameter spelling.
    pub fn parse(s: &str) -> Option<Vendor> {
        Vendor::ALL.into_iter().find(|v| v.as_str() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One skill of the vocabulary, with its name in each vendor's style.
#[derive(Debug)]
pub struct Skill {
    /// Stable UUID-like id, the same for every vendor.
    pub skill_id: String,
    /// The name per vendor, indexed like [`Vendor::ALL`].
    pub names: [String; 3],
}

impl Skill {
    /// The skill's name in the given vendor's vocabulary.
    pub fn name(&self, vendor: Vendor) -> &str {
        &self.names[vendor.index()]
    }
}

/// A group node of the taxonomy tree.
#[derive(Debug)]
pub struct Group {
    /// Unique slug.
    pub node_id: String,
    /// Display name.
    pub name: String,
}

/// A task (leaf) of the taxonomy.
#[derive(Debug)]
pub struct Task {
    /// Unique slug.
    pub task_id: String,
    /// Display name ("Reconcile vendor invoices").
    pub name: String,
    /// Index of the top-level domain the task belongs to.
    pub domain: usize,
    /// Group indices from the domain down to the task's own group.
    pub path: Vec<usize>,
    /// AI impact level, 1..=5 (rendered "H1".."H5").
    pub ai_level: u8,
    /// Why the task has that level.
    pub ai_rationale: String,
    /// Related skills (indices into [`Taxonomy::skills`]), 1..=6 of them.
    pub skills: Vec<usize>,
}

/// The whole taxonomy. Tasks are stored in the tree's depth-first pre-order, so a
/// task's index is its pre-order position, which is how employee tasks are sorted.
#[derive(Debug)]
pub struct Taxonomy {
    /// Every group node, domains included.
    pub groups: Vec<Group>,
    /// Indices into `groups` of the top-level domains.
    pub domains: Vec<usize>,
    /// Every task, in pre-order.
    pub tasks: Vec<Task>,
    /// Task indices per domain (parallel to `domains`).
    pub tasks_by_domain: Vec<Vec<usize>>,
    /// The skill vocabulary.
    pub skills: Vec<Skill>,
}

/// Lower-case, hyphen-separated slug ("Data & analytics" → "data-analytics").
pub fn slug(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn split_list(s: &str) -> Vec<&str> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .collect()
}

fn sentence_case(s: &str) -> String {
    let mut words = s.split(' ');
    let mut out = String::from(words.next().unwrap_or(""));
    for w in words {
        out.push(' ');
        // Acronyms and product names ("SQL", "UX") keep their case.
        if w.chars().skip(1).any(|c| c.is_ascii_uppercase()) {
            out.push_str(w);
        } else {
            out.push_str(&w.to_lowercase());
        }
    }
    out
}

impl Taxonomy {
    /// Builds the taxonomy for a seed. Pure: same seed, same taxonomy.
    pub fn build(seed: u64) -> Taxonomy {
        let mut rng = ChaCha8Rng::seed_from_u64(hash64(seed, 0x7a78_6f6e, 0));
        let mut groups: Vec<Group> = Vec::new();
        let mut domains = Vec::new();
        let mut tasks: Vec<Task> = Vec::new();
        let mut tasks_by_domain: Vec<Vec<usize>> = Vec::new();
        let mut skills: Vec<Skill> = Vec::new();
        let mut skill_by_name: HashMap<String, usize> = HashMap::new();
        let mut domain_skills: Vec<Vec<usize>> = Vec::new();
        let mut node_ids: HashMap<String, ()> = HashMap::new();
        let mut task_ids: HashMap<String, ()> = HashMap::new();
        // Open groups from the domain down: (depth, group index).
        let mut stack: Vec<usize> = Vec::new();

        let mut unique_node_id = |name: &str, parent: Option<&str>| -> String {
            let base = slug(name);
            let id = if node_ids.contains_key(&base) {
                format!("{}-{}", parent.unwrap_or("group"), base)
            } else {
                base
            };
            node_ids.insert(id.clone(), ());
            id
        };

        for raw in DATA.lines() {
            let line = raw.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(rest) = line.strip_prefix("= ") {
                let parts: Vec<&str> = rest.split('|').map(str::trim).collect();
                let name = parts[0];
                let category = parts.get(1).copied().unwrap_or("General");
                let areas = split_list(parts.get(2).copied().unwrap_or(""));
                let tools = split_list(parts.get(3).copied().unwrap_or(""));
                let node_id = unique_node_id(name, None);
                groups.push(Group {
                    node_id,
                    name: name.to_string(),
                });
                let gi = groups.len() - 1;
                domains.push(gi);
                tasks_by_domain.push(Vec::new());
                stack.clear();
                stack.push(gi);

                let mut pool = Vec::new();
                let mut add_skill = |techwolf: String, workday_cat: &str| {
                    if let Some(&i) = skill_by_name.get(&techwolf) {
                        return i;
                    }
                    let i = skills.len();
                    let h = hash64(seed, 0x736b_696c, i as u64);
                    let h2 = hash64(seed, 0x736b_6932, i as u64);
                    skills.push(Skill {
                        skill_id: uuid_from_u128(((h as u128) << 64) | h2 as u128),
                        names: [
                            techwolf.clone(),
                            format!("{techwolf} ({workday_cat})"),
                            format!("{} proficiency", sentence_case(&techwolf)),
                        ],
                    });
                    skill_by_name.insert(techwolf, i);
                    i
                };
                for tool in tools {
                    let (tool_name, cat) = match tool.split_once(':') {
                        Some((t, c)) => (t.trim(), c.trim()),
                        None => (tool, category),
                    };
                    pool.push(add_skill(tool_name.to_string(), cat));
                }
                for area in &areas {
                    for noun in SKILL_NOUNS {
                        pool.push(add_skill(format!("{area} {noun}"), category));
                    }
                }
                domain_skills.push(pool);
                continue;
            }
            let depth = line.chars().take_while(|&c| c == '-').count();
            if depth == 0 || stack.is_empty() {
                continue;
            }
            let body = line[depth..].trim();
            let parts: Vec<&str> = body.split('|').map(str::trim).collect();
            stack.truncate(depth);
            let parent_id = groups[*stack.last().expect("domain open")].node_id.clone();
            let node_id = unique_node_id(parts[0], Some(&parent_id));
            groups.push(Group {
                node_id,
                name: parts[0].to_string(),
            });
            let gi = groups.len() - 1;
            stack.push(gi);
            if parts.len() < 3 {
                continue;
            }
            let domain = domains.len() - 1;
            let verbs = split_list(parts[1]);
            let objects = split_list(parts[2]);
            // Object-major order keeps "Write unit tests" next to "Review unit tests".
            for object in &objects {
                for verb in &verbs {
                    let name = format!("{verb} {object}");
                    let mut task_id = slug(&name);
                    if task_ids.contains_key(&task_id) {
                        task_id = format!("{}-{}", task_id, groups[gi].node_id);
                    }
                    task_ids.insert(task_id.clone(), ());
                    let ai_level = rng.random_range(1..=5u8);
                    let template = RATIONALES[ai_level as usize - 1][rng.random_range(0..3)];
                    let ai_rationale = template.replace("{}", object);
                    let pool = &domain_skills[domain];
                    let n = rng.random_range(1..=6usize).min(pool.len());
                    let mut task_skills: Vec<usize> = Vec::with_capacity(n);
                    while task_skills.len() < n {
                        let s = pool[rng.random_range(0..pool.len())];
                        if !task_skills.contains(&s) {
                            task_skills.push(s);
                        }
                    }
                    tasks_by_domain[domain].push(tasks.len());
                    tasks.push(Task {
                        task_id,
                        name,
                        domain,
                        path: stack.clone(),
                        ai_level,
                        ai_rationale,
                        skills: task_skills,
                    });
                }
            }
        }
        Taxonomy {
            groups,
            domains,
            tasks,
            tasks_by_domain,
            skills,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn shape_is_realistic() {
        let t = Taxonomy::build(42);
        assert_eq!(t.domains.len(), 12);
        assert!((350..=500).contains(&t.tasks.len()), "{}", t.tasks.len());
        assert!((700..=900).contains(&t.skills.len()), "{}", t.skills.len());
        let ids: HashSet<_> = t.tasks.iter().map(|x| &x.task_id).collect();
        assert_eq!(ids.len(), t.tasks.len(), "task ids are unique");
        let nodes: HashSet<_> = t.groups.iter().map(|g| &g.node_id).collect();
        assert_eq!(nodes.len(), t.groups.len(), "node ids are unique");
        for task in &t.tasks {
            assert!((2..=3).contains(&task.path.len()));
            assert!((1..=6).contains(&task.skills.len()));
        }
        assert!(t.tasks.iter().any(|x| x.name == "Write unit tests"));
        assert!(t
            .tasks
            .iter()
            .any(|x| x.name == "Reconcile vendor invoices"));
    }

    #[test]
    fn vendor_names_differ() {
        let t = Taxonomy::build(1);
        let python = t
            .skills
            .iter()
            .find(|s| s.name(Vendor::Techwolf) == "Python")
            .unwrap();
        assert_eq!(
            python.name(Vendor::Workday),
            "Python (Programming Language)"
        );
        assert_eq!(
            python.name(Vendor::SapAttributeLibrary),
            "Python proficiency"
        );
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Data & analytics"), "data-analytics");
        assert_eq!(slug("Write unit tests"), "write-unit-tests");
    }
}
