import FerryModel
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a plan keeps the records it will write once there are many of them.
///
/// A first push of a million contacts plans a million creates, each with its whole record.
/// The first `memoryLimit` records of a plan stay in memory; the rest are encoded (through
/// the model's own Codable, in `SpoolCoding`'s binary form) into an anonymous temporary file and read back one at a time
/// when the applier writes them. So a plan costs its compact entries plus at most
/// `memoryLimit` records, whatever the size of the export. The file is unlinked as soon as
/// it is created: nothing is left behind, even after a crash.
public final class RecordSpool: @unchecked Sendable {
  /// Records kept in memory before spooling starts.
  public let memoryLimit: Int
  private var held = 0
  private var fd: Int32 = -1
  /// Bytes written so far (flushed and buffered).
  private var size = 0
  private var buffer: [UInt8] = []
  private var bufferStart = 0
  /// Set once creating or writing the file failed: later records stay in memory.
  private var broken: FerryError?

  public init(memoryLimit: Int = 20_000) {
    self.memoryLimit = memoryLimit
  }

  deinit { if fd >= 0 { close(fd) } }

  /// A spooled record's place in the file.
  public struct Ref: Sendable, Equatable {
    let offset: Int
    let length: Int
  }

  /// True while the plan may still keep another record in memory (and counts it).
  func admit() -> Bool {
    guard held < memoryLimit else { return false }
    held += 1
    return true
  }

  /// Writes `record` to the file.
  func append(_ record: Record) throws -> Ref {
    if let broken { throw broken }
    if fd < 0 {
      do { try open() } catch let error as FerryError {
        broken = error
        throw error
      }
    }
    let bytes: [UInt8]
    do { bytes = try SpoolCoding.encode(record) } catch {
      throw FerryError(.unrepresentable, "cannot spool a planned record: \(error)")
    }
    let ref = Ref(offset: size, length: bytes.count)
    buffer.append(contentsOf: bytes)
    size += bytes.count
    if buffer.count >= 1 << 20 {
      do { try flush() } catch let error as FerryError {
        // The buffered records are still in memory and readable; later ones stay inline.
        broken = error
      }
    }
    return ref
  }

  /// Reads a spooled record back.
  func load(_ ref: Ref) throws -> Record {
    var bytes = [UInt8](repeating: 0, count: ref.length)
    if ref.offset >= bufferStart {
      let start = ref.offset - bufferStart
      bytes.replaceSubrange(0..<ref.length, with: buffer[start..<start + ref.length])
    } else {
      var done = 0
      while done < ref.length {
        let n = bytes.withUnsafeMutableBytes { raw in
          pread(fd, raw.baseAddress! + done, ref.length - done, off_t(ref.offset + done))
        }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw FerryError(.io, "cannot read back a spooled record: \(String(cString: strerror(errno)))") }
        done += n
      }
    }
    do { return try SpoolCoding.decode(Record.self, from: bytes) } catch {
      throw FerryError(.io, "a spooled record does not read back: \(error)")
    }
  }

  private func open() throws {
    let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    var template = Array((dir + "/ferry-plan-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard made >= 0 else {
      throw FerryError(.io, "cannot create a spool file in \(dir): \(String(cString: strerror(errno)))")
    }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    _ = fcntl(made, F_SETFD, FD_CLOEXEC)  // not inherited by anything ferry starts
    fd = made
  }

  /// Writes the buffer at its own offset (`pwrite`), so a failed attempt never shifts the
  /// file; on failure the buffer stays, and its records are read from memory.
  private func flush() throws {
    var done = 0
    while done < buffer.count {
      let n = buffer.withUnsafeBytes { raw in
        pwrite(fd, raw.baseAddress! + done, buffer.count - done, off_t(bufferStart + done))
      }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw FerryError(.io, "cannot write the spool file: \(String(cString: strerror(errno)))") }
      done += n
    }
    bufferStart += buffer.count
    buffer.removeAll(keepingCapacity: true)
  }
}

extension PlanEntry {
  /// The record to write, from memory or from the plan's spool file.
  public func loadRecord() throws -> Record? {
    switch stored {
    case .none: return nil
    case .inline(let r): return r
    case .spooled(let spool, let ref): return try spool.load(ref)
    }
  }

  /// Moves the record into `spool`'s file unless the spool still admits records in memory.
  mutating func spoolRecord(into spool: RecordSpool) throws {
    guard case .inline(let r) = stored, !spool.admit() else { return }
    stored = .spooled(spool, try spool.append(r))
  }
}
