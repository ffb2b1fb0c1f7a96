import FerryModel

/// `relate_events`: ties event attendees to CRM contacts.
///
/// Rules, in order (docs/PUSH.md):
/// 1. An attendee that already carries a CRM id keeps it.
/// 2. By e-mail (case, spaces and `mailto:` ignored): one contact has it → that contact.
/// 3. By name (case, accents and punctuation ignored) when the e-mail found nobody.
/// 4. Tie-break when several contacts match: the one owned by the event's owner; if that
///    still leaves several (or none of them is the owner's), the attendee is unresolved.
/// An unresolved attendee goes to the `unresolved` list; ferry never guesses.
struct AttendeeResolver {
  struct Candidate {
    var crmId: String
    var owner: String?
  }
  private var byEmail: [String: [Candidate]] = [:]
  private var byName: [String: [Candidate]] = [:]

  mutating func add(_ contact: Contact, crmId: String, owner: String?) {
    for e in contact.emails {
      let key = Normalise.email(e.address)
      if !key.isEmpty && !(byEmail[key]?.contains { $0.crmId == crmId } ?? false) {
        byEmail[key, default: []].append(Candidate(crmId: crmId, owner: owner))
      }
    }
    let name = Normalise.name(contact.name.isEmpty ? contact.displayName : contact.name.displayName)
    if !name.isEmpty { byName[name, default: []].append(Candidate(crmId: crmId, owner: owner)) }
  }

  enum Outcome {
    case resolved(String, rule: String)
    case unresolved(String)
  }

  func resolve(_ attendee: Attendee, eventOwner: String?) -> Outcome {
    func pick(_ candidates: [Candidate], _ rule: String) -> Outcome? {
      if candidates.count == 1 { return .resolved(candidates[0].crmId, rule: rule) }
      guard candidates.count > 1 else { return nil }
      let mine = candidates.filter { $0.owner != nil && $0.owner == eventOwner }
      if mine.count == 1 { return .resolved(mine[0].crmId, rule: rule + ", owner's contact") }
      return .unresolved("\(rule) matches \(candidates.count) CRM contacts")
    }
    if let email = attendee.email, !email.isEmpty, let c = byEmail[Normalise.email(email)],
      let outcome = pick(c, "e-mail")
    {
      return outcome
    }
    if let name = attendee.name, let c = byName[Normalise.name(name)], let outcome = pick(c, "name") {
      return outcome
    }
    return .unresolved("no CRM contact with this e-mail or name")
  }
}
