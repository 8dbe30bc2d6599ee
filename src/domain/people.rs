//! The people the book knows: its reps, each a rep or, when a team names them its manager, a
//! manager. A device says which of them uses it (the team page); every change it makes then
//! carries that name, and its device.

use uuid::Uuid;

use super::sorting::sort_by;
use super::Archive;

/// What a person does in the book.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// 销售: sells, owns customers and deals.
    Rep,
    /// 经理: manages a team (named as its manager), splits its targets, sees its reps' work.
    Manager,
}

/// One person of the book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
}

/// A rep's role: a manager if a team (not deleted) names them its manager.
pub fn role_of(archive: &Archive, rep: Uuid) -> Role {
    if archive.teams.live().any(|t| t.manager == Some(rep)) {
        Role::Manager
    } else {
        Role::Rep
    }
}

/// The people who may use a device: the active reps, managers first, then by name.
pub fn people(archive: &Archive) -> Vec<Person> {
    let mut people: Vec<Person> = archive
        .reps
        .live()
        .filter(|r| r.active)
        .map(|r| Person { id: r.meta.id, name: r.name.clone(), role: role_of(archive, r.meta.id) })
        .collect();
    let rank = |p: &Person| if p.role == Role::Manager { 0 } else { 1 };
    sort_by(&mut people, |a, b| rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name)));
    people
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, Command, Rep, Team, Timestamp};

    #[test]
    fn a_rep_a_team_names_its_manager_is_a_manager_and_leavers_are_not_listed() {
        let actor = Actor::at("admin", Timestamp(1_790_000_000_000));
        let mut book = Archive::default();
        let rep = |n: u128, name: &str, active: bool| Rep {
            meta: crate::domain::Meta::new(Uuid::from_u128(n), actor.now, "admin"),
            name: name.into(),
            team: None,
            email: String::new(),
            phone: String::new(),
            active,
        };
        for r in [rep(1, "王芳", true), rep(2, "李娜", true), rep(3, "张伟", false)] {
            book.apply(Command::SaveRep(r), &actor).unwrap();
        }
        assert_eq!(role_of(&book, Uuid::from_u128(1)), Role::Rep);
        let team = Team {
            meta: crate::domain::Meta::new(Uuid::from_u128(9), actor.now, "admin"),
            name: "华东".into(),
            manager: Some(Uuid::from_u128(1)),
        };
        book.apply(Command::SaveTeam(team), &actor).unwrap();
        assert_eq!(role_of(&book, Uuid::from_u128(1)), Role::Manager);
        let all = people(&book);
        let listed: Vec<(&str, Role)> = all.iter().map(|p| (p.name.as_str(), p.role)).collect();
        assert_eq!(listed, [("王芳", Role::Manager), ("李娜", Role::Rep)], "the manager first; the leaver left out");
    }
}
