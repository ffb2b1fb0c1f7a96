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
///
/// Compact: a million contacts cost one dictionary entry per e-mail and per name, pointing
/// into a chain of candidates, with no array per key.
struct AttendeeResolver {
  private struct Link {
    var candidate: Int32
    var next: Int32
  }
  private var crmIds: [String] = []
  /// Per candidate, the index of its owner's mailbox key in `owners`, or -1.
  private var ownerOf: [Int32] = []
  private var owners: [String] = []
  private var ownerIndex: [String: Int32] = [:]
  private var links: [Link] = []
  private var byEmail: [String: Int32] = [:]
  private var byName: [String: Int32] = [:]

  mutating func add(_ contact: Contact, crmId: String, owner: String?) {
    let candidate = Int32(crmIds.count)
    crmIds.append(crmId)
    if let owner {
      if let known = ownerIndex[owner] {
        ownerOf.append(known)
      } else {
        let i = Int32(owners.count)
        owners.append(owner)
        ownerIndex[owner] = i
        ownerOf.append(i)
      }
    } else {
      ownerOf.append(-1)
    }
    for e in contact.emails {
      let key = Normalise.email(e.address)
      guard !key.isEmpty else { continue }
      // One hash lookup: swap the new link in as the head, and keep the old head as its next.
      let new = Int32(links.count)
      let head = Self.swap(&byEmail[key, default: -1], new)
      if head >= 0 && links[Int(head)].candidate == candidate {
        byEmail[key] = head  // the same contact listing one address twice counts once
        continue
      }
      links.append(Link(candidate: candidate, next: head))
    }
    let name = Normalise.name(contact.name.isEmpty ? contact.displayName : contact.name.displayName)
    if !name.isEmpty {
      let new = Int32(links.count)
      links.append(Link(candidate: candidate, next: Self.swap(&byName[name, default: -1], new)))
    }
  }

  private static func swap(_ slot: inout Int32, _ value: Int32) -> Int32 {
    let old = slot
    slot = value
    return old
  }

  private func candidates(from head: Int32) -> [Int32] {
    var out: [Int32] = []
    var i = head
    while i >= 0 {
      out.append(links[Int(i)].candidate)
      i = links[Int(i)].next
    }
    // In the order the contacts were added; a CRM id read twice (skipped as a duplicate by
    // the planner) is one contact.
    var seen = Set<String>()
    return out.reversed().filter { seen.insert(crmIds[Int($0)]).inserted }
  }

  enum Outcome {
    case resolved(String, rule: String)
    case unresolved(String)
  }

  func resolve(_ attendee: Attendee, eventOwner: String?) -> Outcome {
    func pick(_ head: Int32, _ rule: String) -> Outcome? {
      let found = candidates(from: head)
      if found.count == 1 { return .resolved(crmIds[Int(found[0])], rule: rule) }
      guard found.count > 1 else { return nil }
      let mine = found.filter { ownerOf[Int($0)] >= 0 && owners[Int(ownerOf[Int($0)])] == eventOwner }
      if mine.count == 1 { return .resolved(crmIds[Int(mine[0])], rule: rule + ", owner's contact") }
      return .unresolved("\(rule) matches \(found.count) CRM contacts")
    }
    if let email = attendee.email, !email.isEmpty, let head = byEmail[Normalise.email(email)],
      let outcome = pick(head, "e-mail")
    {
      return outcome
    }
    if let name = attendee.name, let head = byName[Normalise.name(name)], let outcome = pick(head, "name") {
      return outcome
    }
    return .unresolved("no CRM contact with this e-mail or name")
  }
}
