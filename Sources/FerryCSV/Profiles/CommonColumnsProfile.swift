import FerryModel
import Foundation

/// `csv:common`: a CSV that no export profile recognises (a shop's customer list, a
/// directory export, a sheet made by hand) read by the usual column names: `Name`, `Email`,
/// `E-mail Address`, `Phone`, `Mobile`, `Company`, `Job Title`, `City`, … (case and spacing
/// ignored). Every other column is kept raw, as for any profile. Detection never picks it
/// over a real profile; the reader falls back to it when nothing else recognises a header
/// and it maps at least one column. It also writes a plain header of those names.
public struct CommonColumnsProfile: CSVProfile {
  public init() {}
  public var name: String { "common" }
  /// Rows are read one by one, nothing carried between them but caches.
  public var readsInPieces: Bool { true }
  public var writesByteOrderMark: Bool { true }

  static let names = spaced(["Name", "Full Name", "Contact", "Contact Name", "Display Name", "Customer Name"])
  static let given = spaced(["First Name", "First", "Given Name", "Firstname", "Forename"])
  static let family = spaced(["Last Name", "Last", "Surname", "Family Name", "Lastname"])
  static let emails = spaced([
    "Email", "E-mail", "Email Address", "E-mail Address", "Mail", "Primary Email", "Email 1", "Work Email",
    "User principal name", "Emails",
  ])
  static let emails2 = spaced(["Email 2", "Secondary Email", "Alternate Email", "Other Email", "Personal Email", "Home Email"])
  static let phones = spaced(["Phone", "Phone Number", "Telephone", "Tel", "Work Phone", "Office Phone", "Business Phone", "Phones"])
  static let mobiles = spaced(["Mobile", "Mobile Phone", "Mobile Number", "Cell", "Cell Phone", "Cellphone"])
  static let companies = spaced(["Company", "Company Name", "Organization", "Organisation", "Employer", "Account", "Account Name"])
  static let titles = spaced(["Job Title", "Title", "Position", "Role", "Job"])
  static let departments = spaced(["Department", "Dept"])
  static let streets = spaced(["Address", "Street", "Street Address", "Address 1", "Address Line 1"])
  static let cities = spaced(["City", "Town", "Locality"])
  static let regions = spaced(["State", "Region", "Province", "State/Province", "County"])
  static let postcodes = spaced(["Zip", "ZIP Code", "Zip Code", "Postal Code", "Postcode", "Post Code"])
  static let countries = spaced(["Country", "Country/Region", "Country Code"])
  static let websites = spaced(["Website", "Web Site", "URL", "Web", "Homepage", "Web Page"])
  static let birthdays = spaced(["Birthday", "Date of Birth", "Birth Date", "DOB"])
  static let notes = spaced(["Notes", "Note", "Comments", "Comment", "Description"])

  /// The names with and without their spaces (`Display Name`, `displayName`).
  static func spaced(_ names: [String]) -> [String] {
    names + names.filter { $0.contains(" ") }.map { $0.replacingOccurrences(of: " ", with: "") }
  }

  static var all: [[String]] {
    [names, given, family, emails, emails2, phones, mobiles, companies, titles, departments, streets, cities, regions,
     postcodes, countries, websites, birthdays, notes]
  }

  /// At most 0.2: a real profile always wins, and `CSVProfiles.detect` (which wants more)
  /// never picks this one; the reader uses it as its fallback.
  public func confidence(header: [String]) -> Double {
    let h = HeaderIndex(header)
    let hits = Self.all.filter { $0.contains(where: h.has) }.count
    return hits == 0 ? 0 : min(0.2, 0.05 * Double(hits))
  }

  public func makeDecoder(header: [String], options: ReadOptions) throws -> any CSVRecordDecoder { Decoder(header: header) }
  public func makeEncoder(options: WriteOptions) throws -> any CSVRecordEncoder { Encoder() }

  struct Decoder: CSVRecordDecoder {
    var mappedColumns: [Bool]
    let name, first, last, email, email2, phone, mobile, company, title, department: Int?
    let street, city, region, postcode, country, website, birthday, notes: Int?

    init(header: [String]) {
      var h = HeaderIndex(header)
      name = h.take(CommonColumnsProfile.names)
      first = h.take(CommonColumnsProfile.given)
      last = h.take(CommonColumnsProfile.family)
      email = h.take(CommonColumnsProfile.emails)
      email2 = h.take(CommonColumnsProfile.emails2)
      phone = h.take(CommonColumnsProfile.phones)
      mobile = h.take(CommonColumnsProfile.mobiles)
      company = h.take(CommonColumnsProfile.companies)
      title = h.take(CommonColumnsProfile.titles)
      department = h.take(CommonColumnsProfile.departments)
      street = h.take(CommonColumnsProfile.streets)
      city = h.take(CommonColumnsProfile.cities)
      region = h.take(CommonColumnsProfile.regions)
      postcode = h.take(CommonColumnsProfile.postcodes)
      country = h.take(CommonColumnsProfile.countries)
      website = h.take(CommonColumnsProfile.websites)
      birthday = h.take(CommonColumnsProfile.birthdays)
      notes = h.take(CommonColumnsProfile.notes)
      mappedColumns = h.used
    }

    mutating func decode(_ row: CSVRow, context: inout CSVDecodeContext) -> Record? {
      var c = Contact()
      func s(_ i: Int?) -> String? { row.string(at: i) }
      c.name = PersonName(given: s(first), family: s(last))
      c.formattedName = s(name)
      // Cells that hold a list (`a@x.com; b@y.com`) give several values.
      for e in [s(email), s(email2)].compactMap({ $0 }).flatMap({ Values.split($0, by: ";") }) where e.contains("@") {
        c.emails.append(EmailAddress(e))
      }
      for (text, types) in [(s(phone), ["work", "voice"]), (s(mobile), ["cell"])] {
        for p in text.map({ Values.split($0, by: ";") }) ?? [] { c.phones.append(PhoneNumber(p, types: types)) }
      }
      c.organization = s(company)
      c.title = s(title)
      c.department = s(department)
      let a = PostalAddress(
        street: s(street), locality: s(city), region: s(region), postalCode: s(postcode), country: s(country), types: [])
      if !a.isEmpty { c.addresses.append(a) }
      if let u = s(website) { c.urls.append(LabeledValue(u)) }
      if let i = birthday, let text = row.string(i) {
        if let d = PartialDate(text: text) ?? Values.timestamp(text).map({ PartialDate($0.utc.date) }) {
          c.birthday = d
        } else {
          context.keepUnparsed(column: i, value: text, what: "a date")
        }
      }
      if let n = s(notes) { c.notes = [n] }
      context.attachRaw(&c)
      return .contact(c)
    }
  }

  struct Encoder: CSVRecordEncoder {
    let writtenFields: Set<String> = [
      "formattedName", "name", "emails", "phones", "addresses", "organization", "department", "title", "birthday", "notes", "urls",
    ]
    let columns = [
      "Name", "First Name", "Last Name", "Email", "Email 2", "Phone", "Mobile", "Company", "Job Title", "Department",
      "Street", "City", "State", "Postal Code", "Country", "Website", "Birthday", "Notes",
    ]
    var phoneColumns: Set<Int> { [5, 6] }

    mutating func encode(_ record: Record, into cells: inout [String], context: inout CSVEncodeContext) throws -> Bool {
      guard case .contact(let c) = record else { return false }
      func set(_ i: Int, _ v: String?) { if let v { cells[i] = v } }
      set(0, c.formattedName ?? (c.name.isEmpty ? nil : c.name.displayName))
      set(1, c.name.given)
      set(2, c.name.family)
      for (n, e) in c.emails.enumerated() { if n < 2 { set(3 + n, e.address) } else { try context.overflow("e-mail", e.address) } }
      for p in c.phones {
        let slot = p.types.contains("cell") || p.types.contains("mobile") ? 6 : 5
        if cells[slot].isEmpty { cells[slot] = p.number } else { try context.overflow("phone", p.number) }
      }
      set(7, c.organization)
      set(8, c.title)
      set(9, c.department)
      try context.fillSingleAddress(c.addresses, into: &cells, street: 10, city: 11, region: 12, postalCode: 13, country: 14)
      for (n, u) in c.urls.enumerated() { if n == 0 { set(15, u.value) } else { try context.overflow("web page", u.value) } }
      set(16, c.birthday?.description)
      let notes = context.notes(c.contact)
      if !notes.isEmpty { set(17, notes) }
      return true
    }
  }
}
