//! The network and replication, as a scenario writes them: zones on nodes
//! and loads, `[network]` with its `[[network.link]]`s, a call's own
//! `latency`, the `partition` fault, a database's `replication` and a
//! call's `op`. Their checks (`problems`) and the warnings that do not stop
//! a run (`warnings`) live here too, so the validation pass only calls in.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::limits;
use crate::scenario::{Mode, NodeKind, Scenario};

/// `[network]`: how long messages take between components, and what is
/// lost on the way. Without it (and without a call's own `latency` or a
/// `partition` fault) the network is free: zones are only labels.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkSpec {
    /// One-way latency of a message between two components in the same
    /// zone (a distribution). None when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Distribution>,
    /// Links between zones: a call across zones needs one.
    #[serde(default, rename = "link", skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<LinkSpec>,
}

/// `[[network.link]]`: the path between two zones, both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    /// The two zones it joins, e.g. `["eu", "us"]`.
    pub between: [String; 2],
    /// One-way latency of a message across it (a distribution).
    pub latency: Distribution,
    /// Share of messages that never arrive, each way (0 to 1). Nobody is
    /// told: a caller learns only by its timeout.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub loss: f64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

/// What a call does at a database: `read` (the default) or `write`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Served where the database's `read_from` says.
    #[default]
    Read,
    /// Served by the leader, then applied by each follower after its lag.
    Write,
}

impl Op {
    pub fn is_read(&self) -> bool {
        *self == Op::Read
    }
}

/// How a write reaches the followers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplicationMode {
    /// The write is answered at once; followers apply it after their lag.
    #[default]
    Async,
    /// The write is answered when `acks` followers have applied it.
    Sync,
}

/// Where reads are served.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadFrom {
    /// Every read at the leader: never stale.
    #[default]
    Leader,
    /// Each read at a follower chosen at random.
    Followers,
    /// Each read at the leader or a follower, chosen at random.
    Any,
}

/// `replication = { followers, mode, lag, acks, read_from }` on a database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplicationSpec {
    /// Copies that apply the leader's writes.
    pub followers: u32,
    /// `async`: writes answered at once; `sync`: after `acks` followers applied them.
    #[serde(default)]
    pub mode: ReplicationMode,
    /// How long a follower takes to apply a write (a distribution, drawn
    /// for each follower and write).
    pub lag: Distribution,
    /// `sync`: followers that must have applied a write before it is
    /// answered. Defaults to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acks: Option<u32>,
    /// Where reads are served: leader (default), followers or any.
    #[serde(default)]
    pub read_from: ReadFrom,
}

impl ReplicationSpec {
    /// Followers a sync write waits for (0 for async).
    pub fn acks_needed(&self) -> u32 {
        match self.mode {
            ReplicationMode::Async => 0,
            ReplicationMode::Sync => self.acks.unwrap_or(1),
        }
    }
}

/// Whether the run has anything to do with the network: a `[network]`
/// table, a call's own `latency` or a `partition` fault. If not, messages
/// are free and nothing about them is counted.
pub fn in_use(scenario: &Scenario) -> bool {
    scenario.network.is_some()
        || scenario.nodes.iter().any(|n| n.calls.iter().any(|c| c.latency.is_some()))
        || scenario.faults.iter().any(|f| f.effect.partition.is_some())
}

/// The zone of a component as the network sees it (`""` when it has none).
pub fn zone_of(zone: &Option<String>) -> &str {
    zone.as_deref().unwrap_or("")
}

/// Every zone named by a node, a load or a link, sorted.
pub fn zones(scenario: &Scenario) -> BTreeSet<&str> {
    let mut zones = BTreeSet::new();
    zones.extend(
        scenario
            .nodes
            .iter()
            .filter_map(|n| n.zone.as_deref())
            .chain(scenario.loads.iter().filter_map(|l| l.zone.as_deref())),
    );
    if let Some(net) = &scenario.network {
        for link in &net.links {
            zones.extend(link.between.iter().map(String::as_str));
        }
    }
    zones
}

/// The link between zones `a` and `b` (in either order), if there is one.
pub fn link<'a>(scenario: &'a Scenario, a: &str, b: &str) -> Option<(usize, &'a LinkSpec)> {
    scenario.network.as_ref()?.links.iter().enumerate().find(|(_, l)| {
        (l.between[0] == a && l.between[1] == b) || (l.between[0] == b && l.between[1] == a)
    })
}

/// Every message path of the scenario: (who sends, key of the call, zone
/// from, zone to, whether it has its own latency, whether the sender
/// waits with a timeout).
fn paths(scenario: &Scenario) -> Vec<Path<'_>> {
    let zone_of_node = |id: &str| {
        scenario.nodes.iter().find(|n| n.id == id).map(|n| zone_of(&n.zone)).unwrap_or("")
    };
    let mut out = Vec::new();
    for (i, load) in scenario.loads.iter().enumerate() {
        out.push(Path {
            key: format!("load[{i}].target"),
            who: format!("load `{}`", load.id),
            to: load.target.clone(),
            from_zone: zone_of(&load.zone),
            to_zone: zone_of_node(&load.target),
            own_latency: false,
            timeout: load.timeout.is_some(),
            sync: true,
        });
    }
    for (n, node) in scenario.nodes.iter().enumerate() {
        for (c, call) in node.calls.iter().enumerate() {
            out.push(Path {
                key: format!("node[{n}].call[{c}].to"),
                who: format!("node `{}`", node.id),
                to: call.to.clone(),
                from_zone: zone_of(&node.zone),
                to_zone: zone_of_node(&call.to),
                own_latency: call.latency.is_some(),
                timeout: call.timeout.is_some(),
                sync: call.mode == Mode::Sync,
            });
        }
        let extra = match node.kind {
            NodeKind::Cache => node.on_miss.as_ref().map(|t| ("on_miss", t)),
            NodeKind::Queue => node.to.as_ref().map(|t| ("to", t)),
            _ => None,
        };
        if let Some((key, to)) = extra {
            out.push(Path {
                key: format!("node[{n}].{key}"),
                who: format!("node `{}`", node.id),
                to: to.clone(),
                from_zone: zone_of(&node.zone),
                to_zone: zone_of_node(to),
                own_latency: false,
                // A broker's delivery timeout redelivers; a cache's read
                // has no timeout.
                timeout: node.kind == NodeKind::Queue,
                sync: true,
            });
        }
    }
    out
}

struct Path<'a> {
    key: String,
    who: String,
    to: String,
    from_zone: &'a str,
    to_zone: &'a str,
    own_latency: bool,
    timeout: bool,
    sync: bool,
}

/// Every problem with the scenario's zones, network, replication and
/// `op`s, as (key, message).
pub fn problems(scenario: &Scenario) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    let limit = |m: String| format!("{m} ({})", limits::WHY);
    let zones = zones(scenario);
    if zones.len() > limits::MAX_ZONES {
        p.push((
            "network".into(),
            limit(format!("{} zones; at most {}", zones.len(), limits::MAX_ZONES)),
        ));
    }
    let zone_keys =
        scenario.nodes.iter().enumerate().map(|(i, n)| (format!("node[{i}].zone"), &n.zone)).chain(
            scenario.loads.iter().enumerate().map(|(i, l)| (format!("load[{i}].zone"), &l.zone)),
        );
    for (key, zone) in zone_keys {
        if let Some(zone) = zone {
            check_zone_name(&mut p, key, zone);
        }
    }
    if let Some(net) = &scenario.network {
        if let Some(d) = &net.latency
            && let Err(m) = d.check()
        {
            p.push(("network.latency".into(), m));
        }
        let mut seen = BTreeSet::new();
        for (i, link) in net.links.iter().enumerate() {
            let key = |k: &str| format!("network.link[{i}].{k}");
            let [a, b] = &link.between;
            for zone in [a, b] {
                check_zone_name(&mut p, key("between"), zone);
            }
            if a == b {
                p.push((
                    key("between"),
                    format!(
                        "a link joins two different zones, not `{a}` with itself; the latency \
                         within a zone is `[network].latency`"
                    ),
                ));
            } else if !seen.insert((a.min(b), a.max(b))) {
                p.push((key("between"), format!("zones `{a}` and `{b}` are linked twice")));
            }
            if let Err(m) = link.latency.check() {
                p.push((key("latency"), m));
            }
            if !(0.0..=1.0).contains(&link.loss) {
                p.push((
                    key("loss"),
                    format!("expected a share between 0 and 1, got {}", link.loss),
                ));
            }
        }
        for path in paths(scenario) {
            if path.from_zone == path.to_zone || path.own_latency {
                continue;
            }
            if path.from_zone.is_empty() || path.to_zone.is_empty() {
                let (unzoned, other, zone) = if path.from_zone.is_empty() {
                    (path.who.clone(), format!("node `{}`", path.to), path.to_zone)
                } else {
                    (format!("node `{}`", path.to), path.who.clone(), path.from_zone)
                };
                p.push((
                    path.key,
                    format!(
                        "{unzoned} has no zone but talks to {other} in zone `{zone}`: give it a \
                         `zone`, so the network knows which link its messages cross"
                    ),
                ));
            } else if link(scenario, path.from_zone, path.to_zone).is_none() {
                p.push((
                    path.key,
                    format!(
                        "{} (zone `{}`) calls node `{}` (zone `{}`), but no `[[network.link]]` \
                         joins the two zones: add one with `between = [\"{}\", \"{}\"]`",
                        path.who,
                        path.from_zone,
                        path.to,
                        path.to_zone,
                        path.from_zone,
                        path.to_zone
                    ),
                ));
            }
        }
    }
    let names: Vec<&str> = zones.iter().copied().collect();
    for (i, fault) in scenario.faults.iter().enumerate() {
        let Some(pair) = &fault.effect.partition else { continue };
        let key = format!("fault[{i}].effect.partition");
        for zone in pair {
            if !zones.contains(zone.as_str()) {
                let hint = crate::scenario::diagnostics::suggest(zone, &names);
                p.push((key.clone(), format!("no node or load is in zone `{zone}`{hint}")));
            }
        }
        if pair[0] == pair[1] {
            p.push((
                key,
                format!("a partition splits two different zones, not `{}` from itself", pair[0]),
            ));
        }
    }
    for (n, node) in scenario.nodes.iter().enumerate() {
        for (c, call) in node.calls.iter().enumerate() {
            if let Some(d) = &call.latency
                && let Err(m) = d.check()
            {
                p.push((format!("node[{n}].call[{c}].latency"), m));
            }
            let target = scenario.nodes.iter().find(|t| t.id == call.to);
            if call.op == Op::Write && target.is_some_and(|t| t.kind != NodeKind::Database) {
                p.push((
                    format!("node[{n}].call[{c}].op"),
                    format!(
                        "`op = \"write\"` is for calls to a database; `{}` is not one",
                        call.to
                    ),
                ));
            }
        }
        let key = |k: &str| format!("node[{n}].replication.{k}");
        let Some(r) = &node.replication else { continue };
        if node.kind != NodeKind::Database {
            p.push((
                format!("node[{n}].replication"),
                "`replication` applies to databases".to_owned(),
            ));
            continue;
        }
        if r.followers == 0 || r.followers > limits::MAX_FOLLOWERS {
            p.push((
                key("followers"),
                limit(format!(
                    "expected 1 to {} followers, got {}",
                    limits::MAX_FOLLOWERS,
                    r.followers
                )),
            ));
        }
        if let Err(m) = r.lag.check() {
            p.push((key("lag"), m));
        }
        if let Some(keys) = node.keys
            && (keys == 0 || keys > limits::MAX_CACHE_KEYS)
        {
            p.push((
                format!("node[{n}].keys"),
                limit(format!("expected 1 to {} keys, got {keys}", limits::MAX_CACHE_KEYS)),
            ));
        }
        if let Some(skew) = node.skew
            && !(skew.is_finite() && (0.0..=10.0).contains(&skew))
        {
            p.push((
                format!("node[{n}].skew"),
                format!("expected a Zipf skew from 0 (uniform) to 10, got {skew}"),
            ));
        }
        match (r.mode, r.acks) {
            (ReplicationMode::Async, Some(_)) => p.push((
                key("acks"),
                "`acks` is for `mode = \"sync\"`: an async write is answered at once".to_owned(),
            )),
            (ReplicationMode::Sync, Some(k)) if k == 0 || k > r.followers => p.push((
                key("acks"),
                format!("expected 1 to {} (the followers), got {k}", r.followers),
            )),
            _ => {}
        }
    }
    p
}

/// What runs but probably is not meant: a call across zones whose link
/// loses messages, with no timeout to notice (the caller waits for ever).
pub fn warnings(scenario: &Scenario) -> Vec<(String, String)> {
    let mut w = Vec::new();
    for path in paths(scenario) {
        if path.from_zone == path.to_zone || path.timeout || !path.sync {
            continue;
        }
        if let Some((_, l)) = link(scenario, path.from_zone, path.to_zone)
            && l.loss > 0.0
        {
            w.push((
                path.key,
                format!(
                    "{} calls `{}` across the link {}–{}, which loses {}% of messages, without \
                     a timeout: a lost request or answer is never seen, so the caller waits for \
                     ever; set a `timeout`",
                    path.who,
                    path.to,
                    path.from_zone,
                    path.to_zone,
                    l.loss * 100.0
                ),
            ));
        }
    }
    for (i, fault) in scenario.faults.iter().enumerate() {
        let Some([a, b]) = &fault.effect.partition else { continue };
        let blind = paths(scenario).into_iter().any(|path| {
            path.sync
                && !path.timeout
                && ((path.from_zone == a && path.to_zone == b)
                    || (path.from_zone == b && path.to_zone == a))
        });
        if blind {
            w.push((
                format!("fault[{i}].effect.partition"),
                format!(
                    "sync calls cross the partition {a}–{b} without a timeout: their callers \
                     wait for ever on messages that are lost"
                ),
            ));
        }
    }
    w
}

/// Zones are short names, as ids are.
fn check_zone_name(p: &mut Vec<(String, String)>, key: String, zone: &str) {
    if zone.is_empty() {
        p.push((key, "a zone needs a non-empty name, such as \"eu\"".to_owned()));
    } else if zone.chars().count() > limits::MAX_ID_LEN
        || zone.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
    {
        p.push((
            key,
            format!(
                "the zone `{}` is not a short name: letters, digits, `-` and `_`, at most {} \
                 characters, such as \"eu-west\"",
                zone.chars().take(24).collect::<String>(),
                limits::MAX_ID_LEN
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    const BASE: &str = r#"
[scenario]
name = "t"

[[load]]
id = "users"
target = "api"
rate = 10
zone = "eu"

[[node]]
id = "api"
kind = "service"
zone = "eu"
service_time = { dist = "exp", mean = "1ms" }
[[node.call]]
to = "db"

[[node]]
id = "db"
kind = "database"
zone = "us"
service_time = { dist = "exp", mean = "1ms" }
"#;

    fn messages(text: &str) -> Vec<String> {
        match Scenario::from_toml("t.toml", text) {
            Ok(_) => Vec::new(),
            Err(e) => {
                e.diagnostics.into_iter().map(|d| format!("{}: {}", d.key, d.message)).collect()
            }
        }
    }

    #[test]
    fn zones_without_a_network_are_labels() {
        assert!(messages(BASE).is_empty(), "{:?}", messages(BASE));
    }

    #[test]
    fn a_call_across_zones_needs_a_link() {
        let text =
            format!("{BASE}\n[network]\nlatency = {{ dist = \"const\", value = \"1ms\" }}\n");
        let m = messages(&text);
        assert!(m.iter().any(|m| m.contains("no `[[network.link]]` joins")), "{m:?}");
        let linked = format!(
            "{text}[[network.link]]\nbetween = [\"us\", \"eu\"]\nlatency = {{ dist = \"const\", value = \"40ms\" }}\n"
        );
        assert!(messages(&linked).is_empty(), "{:?}", messages(&linked));
    }

    #[test]
    fn a_component_without_a_zone_is_named() {
        let text = format!("{}\n[network]\n", BASE.replace("zone = \"us\"\n", ""));
        let m = messages(&text);
        assert!(m.iter().any(|m| m.contains("node `db` has no zone")), "{m:?}");
    }

    #[test]
    fn network_numbers_and_names_are_checked() {
        let text = format!(
            "{BASE}\n[network]\n[[network.link]]\nbetween = [\"eu\", \"eu\"]\nlatency = {{ dist = \"const\", value = \"1ms\" }}\nloss = 1.5\n\
             [[fault]]\nat = \"1s\"\nduration = \"1s\"\neffect = {{ partition = [\"eu\", \"usa\"] }}\n"
        );
        let m = messages(&text);
        assert!(m.iter().any(|m| m.contains("not `eu` with itself")), "{m:?}");
        assert!(m.iter().any(|m| m.contains("loss") && m.contains("between 0 and 1")), "{m:?}");
        assert!(m.iter().any(|m| m.contains("zone `usa`") && m.contains("`us`")), "{m:?}");
    }

    #[test]
    fn replication_is_checked() {
        let text = BASE.replace(
            "zone = \"us\"\n",
            "zone = \"us\"\nkeys = 10\nreplication = { followers = 2, mode = \"async\", acks = 1, lag = { dist = \"const\", value = \"1ms\" } }\n",
        );
        let m = messages(&text);
        assert!(m.iter().any(|m| m.contains("`acks` is for `mode = \"sync\"`")), "{m:?}");
        let text = text.replace("mode = \"async\", acks = 1", "mode = \"sync\", acks = 3");
        let m = messages(&text);
        assert!(m.iter().any(|m| m.contains("expected 1 to 2 (the followers), got 3")), "{m:?}");
        let on_service = BASE.replace(
            "[[node.call]]\nto = \"db\"",
            "replication = { followers = 1, lag = { dist = \"const\", value = \"1ms\" } }\n[[node.call]]\nto = \"db\"\nop = \"write\"",
        );
        let m = messages(&on_service);
        assert!(m.iter().any(|m| m.contains("`replication` applies to databases")), "{m:?}");
        let write_to_service = BASE
            .replace("kind = \"database\"", "kind = \"service\"")
            .replace("[[node.call]]\nto = \"db\"", "[[node.call]]\nto = \"db\"\nop = \"write\"");
        let m = messages(&write_to_service);
        assert!(
            m.iter().any(|m| m.contains("`op = \"write\"` is for calls to a database")),
            "{m:?}"
        );
        // Keys on a database without replication are still a cache's.
        let m = messages(&BASE.replace("zone = \"us\"\n", "zone = \"us\"\nkeys = 10\n"));
        assert!(m.iter().any(|m| m.contains("`keys` applies to caches")), "{m:?}");
    }

    #[test]
    fn a_lossy_call_without_a_timeout_is_warned_about() {
        let text = format!(
            "{BASE}\n[network]\n[[network.link]]\nbetween = [\"eu\", \"us\"]\nlatency = {{ dist = \"const\", value = \"40ms\" }}\nloss = 0.01\n"
        );
        let scenario = Scenario::from_toml("t.toml", &text).unwrap_or_else(|e| panic!("{e}"));
        let w = super::warnings(&scenario);
        assert_eq!(w.len(), 1, "{w:?}");
        assert_eq!(w[0].0, "node[0].call[0].to");
        assert!(w[0].1.contains("set a `timeout`"), "{w:?}");
        let timed = text.replace("to = \"db\"", "to = \"db\"\ntimeout = \"1s\"");
        let scenario = Scenario::from_toml("t.toml", &timed).unwrap_or_else(|e| panic!("{e}"));
        assert!(super::warnings(&scenario).is_empty());
    }
}
