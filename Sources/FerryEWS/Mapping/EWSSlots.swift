import FerryModel

/// Exchange's fixed contact slots (ews-xml.md, "Dictionaries"), shared by the reader and
/// the writer so that a read value goes back to the slot it came from.
enum EWSSlots {
  /// Phone keys in the order the writer tries them, with the model types each stands for.
  /// A key whose types are empty is only chosen through the phone's label.
  static let phones: [(key: String, types: [String])] = [
    ("MobilePhone", ["cell"]), ("BusinessMobile", ["work", "cell"]),
    ("BusinessFax", ["work", "fax"]), ("HomeFax", ["home", "fax"]), ("OtherFax", ["fax"]),
    ("BusinessPhone", ["work"]), ("BusinessPhone2", ["work"]), ("HomePhone", ["home"]), ("HomePhone2", ["home"]),
    ("Pager", ["pager"]), ("CarPhone", ["car"]), ("CompanyMainPhone", ["company"]), ("PrimaryPhone", ["main"]),
    ("AssistantPhone", ["assistant"]), ("Callback", ["callback"]), ("Isdn", ["isdn"]), ("RadioPhone", ["radio"]),
    ("Telex", ["telex"]), ("TtyTddPhone", ["tty"]), ("OtherTelephone", ["other"]), ("OtherTelephone", []),
  ]
  /// Keys only newer servers accept; the reader keeps them as labels.
  static let labelOnlyPhones: Set<String> = ["IPPhone", "Mms", "Msn"]

  /// The model types a phone key reads as.
  static func phoneTypes(_ key: String) -> [String]? {
    switch key {
    case "MobilePhone": ["cell"]
    case "BusinessMobile": ["work", "cell"]
    case "BusinessFax": ["work", "fax"]
    case "HomeFax": ["home", "fax"]
    case "OtherFax": ["other", "fax"]
    case "BusinessPhone", "BusinessPhone2": ["work", "voice"]
    case "HomePhone", "HomePhone2": ["home", "voice"]
    case "OtherTelephone": ["other"]
    case "Pager": ["pager"]
    case "CarPhone": ["car"]
    case "CompanyMainPhone": ["company"]
    case "PrimaryPhone": ["main"]
    case "AssistantPhone": ["assistant"]
    case "Callback": ["callback"]
    case "Isdn": ["isdn"]
    case "RadioPhone": ["radio"]
    case "Telex": ["telex"]
    case "TtyTddPhone": ["tty"]
    default: nil
    }
  }

  /// Assigns each phone a free key, in order: the label when it names a key, else the first
  /// free key whose types the phone has; phones with no slot left are returned apart.
  static func assignPhones(_ phones: [PhoneNumber]) -> (slotted: [(String, PhoneNumber)], overflow: [PhoneNumber]) {
    // Small arrays, not sets: a contact has a few phones with a few types each, and hashing
    // showed up in the EWS writer's profile.
    var used: [String] = []
    var slotted: [(String, PhoneNumber)] = []
    var overflow: [PhoneNumber] = []
    for phone in phones {
      var types: [String] = []
      for t in phone.types {
        let lower = t.lowercased()
        if lower != "voice" && lower != "pref" && lower != "internet" && !types.contains(lower) { types.append(lower) }
      }
      var chosen: String?
      if let label = phone.label, phoneTypes(label) != nil || labelOnlyPhones.contains(label), !used.contains(label) {
        chosen = label
      } else {
        // Most specific first: a key whose types are all in the phone's types, preferring more types.
        let candidates = keys(matching: types)
        chosen = candidates.first { !used.contains($0) }
      }
      if let chosen {
        used.append(chosen)
        slotted.append((chosen, phone))
      } else {
        overflow.append(phone)
      }
    }
    return (slotted, overflow)
  }

  /// Keys whose types are all in `types`, keys with more types first (a work fax is
  /// BusinessFax, not BusinessPhone), in table order otherwise.
  private static func keys(matching types: [String]) -> [String] {
    if types.isEmpty { return ["OtherTelephone", "BusinessPhone2", "HomePhone2"] }
    var two: [String] = []
    var one: [String] = []
    for (key, keyTypes) in phones where !keyTypes.isEmpty && keyTypes.allSatisfy({ types.contains($0) }) {
      if keyTypes.count > 1 { two.append(key) } else { one.append(key) }
    }
    let all = two + one
    return all.isEmpty ? ["OtherTelephone"] : all
  }

  /// The address key for a postal address's types.
  static func addressKey(_ types: [String]) -> String? {
    // Work wins over home whatever their order; everything else is Other. No Set: this runs
    // for every address the EWS writer writes.
    var home = false
    for t in types {
      let lower = t.lowercased()
      if lower == "work" { return "Business" }
      if lower == "home" { home = true }
    }
    return home ? "Home" : "Other"
  }

  static func addressTypes(_ key: String) -> [String] {
    switch key {
    case "Business": ["work"]
    case "Home": ["home"]
    default: ["other"]
    }
  }
}
