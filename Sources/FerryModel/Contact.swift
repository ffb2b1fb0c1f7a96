import Foundation

/// A structured personal name (vCard `N` plus phonetic parts).
// The initializers are inlinable: readers make a name, an address, a phone per line read,
// and a call into this module retained every argument and released it again.
public struct PersonName: Sendable, Hashable, Codable {
  public var prefix: String?
  public var given: String?
  /// Middle or additional names.
  public var middle: String?
  public var family: String?
  public var suffix: String?
  public var phoneticGiven: String?
  public var phoneticMiddle: String?
  public var phoneticFamily: String?

  @inlinable
  public init(
    prefix: String? = nil, given: String? = nil, middle: String? = nil, family: String? = nil, suffix: String? = nil,
    phoneticGiven: String? = nil, phoneticMiddle: String? = nil, phoneticFamily: String? = nil
  ) {
    self.prefix = prefix
    self.given = given
    self.middle = middle
    self.family = family
    self.suffix = suffix
    self.phoneticGiven = phoneticGiven
    self.phoneticMiddle = phoneticMiddle
    self.phoneticFamily = phoneticFamily
  }

  @inline(__always)
  public var isEmpty: Bool {
    // Field by field, not through an array of them: this runs for every record.
    PersonName.blank(prefix) && PersonName.blank(given) && PersonName.blank(middle) && PersonName.blank(family)
      && PersonName.blank(suffix)
  }

  /// Whether `s` is nil or empty.
  @inline(__always)
  static func blank(_ s: String?) -> Bool { s?.isEmpty ?? true }

  /// "Prefix Given Middle Family Suffix", skipping empty parts.
  public var displayName: String {
    [prefix, given, middle, family, suffix].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
  }
}

/// An e-mail address with its types (`work`, `home`, `other`, `internet`, …, lower-case),
/// free label and preference (1 = most preferred).
public struct EmailAddress: Sendable, Hashable, Codable {
  public var address: String
  public var types: [String]
  public var label: String?
  public var preference: Int?
  @inlinable
  public init(_ address: String, types: [String] = [], label: String? = nil, preference: Int? = nil) {
    self.address = address
    self.types = types
    self.label = label
    self.preference = preference
  }
}

/// A telephone number as written, with its types (`work`, `home`, `cell`, `fax`, `pager`,
/// `voice`, `main`, `car`, `isdn`, `video`, `text`, `assistant`, `callback`, `company`,
/// `radio`, `telex`, `tty`, `other`), label and preference.
public struct PhoneNumber: Sendable, Hashable, Codable {
  public var number: String
  public var types: [String]
  public var label: String?
  public var preference: Int?
  @inlinable
  public init(_ number: String, types: [String] = [], label: String? = nil, preference: Int? = nil) {
    self.number = number
    self.types = types
    self.label = label
    self.preference = preference
  }
}

/// A postal address (vCard `ADR` order), with types (`work`, `home`, `other`, `postal`, …).
public struct PostalAddress: Sendable, Hashable, Codable {
  public var poBox: String?
  /// Extended address: suite, apartment, building.
  public var extended: String?
  /// Street lines, joined with "\n" when there are several.
  public var street: String?
  public var locality: String?
  public var region: String?
  public var postalCode: String?
  public var country: String?
  public var types: [String]
  /// The formatted label (vCard `LABEL`), when the source had one.
  public var label: String?
  public var preference: Int?
  /// The vCard group (`item2`) of the `ADR` when properties kept raw share it, as Apple's
  /// `item2.X-ABADR` (the country's address format) does: the vCard writer puts the address
  /// back in that group so they stay together. Nil otherwise; other formats ignore it.
  public var group: String?

  @inlinable
  public init(
    poBox: String? = nil, extended: String? = nil, street: String? = nil, locality: String? = nil,
    region: String? = nil, postalCode: String? = nil, country: String? = nil, types: [String] = [],
    label: String? = nil, preference: Int? = nil, group: String? = nil
  ) {
    self.group = group
    self.poBox = poBox
    self.extended = extended
    self.street = street
    self.locality = locality
    self.region = region
    self.postalCode = postalCode
    self.country = country
    self.types = types
    self.label = label
    self.preference = preference
  }

  @inline(__always)
  public var isEmpty: Bool {
    // Field by field, not through an array of them: this runs for every address read.
    PersonName.blank(poBox) && PersonName.blank(extended) && PersonName.blank(street) && PersonName.blank(locality)
      && PersonName.blank(region) && PersonName.blank(postalCode) && PersonName.blank(country)
  }
}

/// A URL, IM handle or other value with types and a label.
public struct LabeledValue: Sendable, Hashable, Codable {
  public var value: String
  public var types: [String]
  public var label: String?
  public var preference: Int?
  @inlinable
  public init(_ value: String, types: [String] = [], label: String? = nil, preference: Int? = nil) {
    self.value = value
    self.types = types
    self.label = label
    self.preference = preference
  }
}

/// An instant-messaging handle (`IMPP`, `X-SKYPE`, `X-AIM`, …).
public struct IMHandle: Sendable, Hashable, Codable {
  /// Lower-case service name: `skype`, `xmpp`, `aim`, `icq`, `msn`, `yahoo`, `sip`, `gadugadu`, …
  public var service: String?
  /// The handle or URI as given.
  public var handle: String
  public var types: [String]
  public var preference: Int?
  @inlinable
  public init(service: String? = nil, handle: String, types: [String] = [], preference: Int? = nil) {
    self.service = service
    self.handle = handle
    self.types = types
    self.preference = preference
  }
}

/// A photo or logo: inline bytes or a URI.
public enum Media: Sendable, Hashable, Codable {
  case data([UInt8], mediaType: String?)
  case uri(String)
}

/// RFC 6350 GENDER: sex component (`M`, `F`, `O`, `N`, `U`) and free identity text.
public struct Gender: Sendable, Hashable, Codable {
  public var sex: String?
  public var identity: String?
  @inlinable
  public init(sex: String? = nil, identity: String? = nil) {
    self.sex = sex
    self.identity = identity
  }
}

/// A related person: spouse, assistant, manager, child, … (`RELATED`, `X-SPOUSE`, …).
public struct RelatedPerson: Sendable, Hashable, Codable {
  /// Lower-case relation: `spouse`, `assistant`, `manager`, `child`, `parent`, `friend`, `contact`, …
  public var relation: String
  /// A name, or a URI / UID when `isURI` is set.
  public var value: String
  public var isURI: Bool
  @inlinable
  public init(relation: String, value: String, isURI: Bool = false) {
    self.relation = relation
    self.value = value
    self.isURI = isURI
  }
}

/// A latitude/longitude pair.
public struct Geo: Sendable, Hashable, Codable {
  public var latitude: Double
  public var longitude: Double
  @inlinable
  public init(latitude: Double, longitude: Double) {
    self.latitude = latitude
    self.longitude = longitude
  }
}

/// A person or organisation: the canonical contact every format reads into and writes from.
public struct Contact: Sendable, Hashable, Codable {
  /// `individual`, `group`, `org` or `location` (vCard 4 KIND); nil means individual.
  public var kind: String?
  public var formattedName: String?
  public var name: PersonName
  public var nicknames: [String]
  public var emails: [EmailAddress]
  public var phones: [PhoneNumber]
  public var addresses: [PostalAddress]
  public var organization: String?
  public var department: String?
  public var title: String?
  public var role: String?
  public var birthday: PartialDate?
  public var anniversary: PartialDate?
  public var notes: [String]
  public var urls: [LabeledValue]
  public var categories: [String]
  public var photo: Media?
  public var logo: Media?
  public var gender: Gender?
  public var related: [RelatedPerson]
  public var instantMessaging: [IMHandle]
  /// An IANA zone name or a UTC offset (`-05:00`).
  public var timeZone: String?
  public var geo: Geo?
  public var languages: [String]
  /// The contact's own UID (vCard `UID`), not the CRM id.
  public var uid: String?
  public var source: SourceIdentity?
  public var owner: Owner?
  /// The account or company record the contact belongs to in the CRM.
  public var accountId: String?
  public var created: Timestamp?
  public var lastModified: Timestamp?
  /// Properties the model cannot express, kept with their origin.
  public var raw: [RawProperty]

  @inlinable
  public init() {
    name = PersonName()
    nicknames = []
    emails = []
    phones = []
    addresses = []
    notes = []
    urls = []
    categories = []
    related = []
    instantMessaging = []
    languages = []
    raw = []
  }

  /// The best name to show: FN, else the structured name, else the organisation, else an e-mail.
  public var displayName: String {
    if let formattedName, !formattedName.isEmpty { return formattedName }
    let n = name.displayName
    if !n.isEmpty { return n }
    if let organization, !organization.isEmpty { return organization }
    return emails.first?.address ?? ""
  }

  /// Whether the contact holds anything an address book shows: a name, an organisation, a
  /// way to reach them, an address, a note. A row whose every column went unmapped has
  /// none, and would import as a blank contact.
  /// Always inlined: `Record.isContactWithoutContent` then reads the fields in the box.
  @inline(__always)
  public var hasContent: Bool {
    func some(_ s: String?) -> Bool { s.map { !$0.isEmpty } ?? false }
    return some(formattedName) || !name.isEmpty || !nicknames.isEmpty || some(organization) || some(department)
      || some(title) || !emails.isEmpty || !phones.isEmpty || addresses.contains { !$0.isEmpty } || !urls.isEmpty
      || !instantMessaging.isEmpty || notes.contains { !$0.isEmpty } || birthday != nil || photo != nil
  }
}

extension Media {
  private enum CodingKeys: String, CodingKey { case uri, data, mediaType }

  /// `{"uri": "…"}` or `{"data": "<base64>", "mediaType": "image/jpeg"}`.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    if let uri = try c.decodeIfPresent(String.self, forKey: .uri) {
      self = .uri(uri)
    } else {
      let text = try c.decode(String.self, forKey: .data)
      guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
        throw DecodingError.dataCorruptedError(forKey: .data, in: c, debugDescription: "not base64")
      }
      self = .data(Array(data), mediaType: try c.decodeIfPresent(String.self, forKey: .mediaType))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    switch self {
    case .uri(let uri): try c.encode(uri, forKey: .uri)
    case .data(let bytes, let type):
      try c.encode(Data(bytes).base64EncodedString(), forKey: .data)
      try c.encodeIfPresent(type, forKey: .mediaType)
    }
  }
}
