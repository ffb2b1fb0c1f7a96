import Foundation

/// The files a splitting writer's folder holds besides those of this run (`--split DIR`
/// run again with fewer contacts leaves the old cards, which an import would take too).
extension OutputDestination {
  /// Regular files directly in the directory `path` whose name ends in `.extension` (any
  /// case) and that this destination did not write, sorted by name.
  ///
  /// Subfolders, symbolic links and other kinds of files are never listed. A name that
  /// differs from one written only in case counts as written when it is the same file (a
  /// case-insensitive file system).
  public func otherFiles(withExtension fileExtension: String) -> [String] {
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [] }
    let suffix = "." + fileExtension.lowercased()
    return entries.filter { name in
      let lower = name.lowercased()
      guard lower.hasSuffix(suffix), isRegularFile(name) else { return false }
      guard let written = namesInDirectory[lower] else { return true }
      return written != name && !sameFile(name, written)
    }.sorted()
  }

  /// Removes the named files from the directory `path` (names from `otherFiles`).
  ///
  /// - Returns: the names that could not be removed, each with the reason.
  public func removeFiles(_ names: [String]) -> [(name: String, reason: String)] {
    var failed: [(name: String, reason: String)] = []
    for name in names where unlink(inDirectory(name)) != 0 {
      failed.append((name, String(cString: strerror(errno))))
    }
    return failed
  }

  private func inDirectory(_ name: String) -> String {
    path.hasSuffix("/") ? path + name : path + "/" + name
  }

  private func isRegularFile(_ name: String) -> Bool {
    var info = stat()
    return lstat(inDirectory(name), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
  }

  private func sameFile(_ a: String, _ b: String) -> Bool {
    var first = stat()
    var second = stat()
    guard stat(inDirectory(a), &first) == 0, stat(inDirectory(b), &second) == 0 else { return false }
    return first.st_dev == second.st_dev && first.st_ino == second.st_ino
  }
}

/// Numbered request documents (`out.xml` → `out-0001.xml`, `out-0002.xml`, …) that an earlier
/// run left beside this run's: a run with fewer batches, or one document where there were
/// several, would otherwise be imported together with the old ones.
extension OutputDestination {
  /// Paths next to this destination's file that follow its numbering (`out-NNNN.xml`, four
  /// or more digits) or are its plain name, and that this run did not write; sorted.
  /// `written` holds the paths this run committed (`openedPaths`).
  public func staleNumberedDocuments(written: [String]) -> [String] {
    guard path != "-" else { return [] }
    let folder = ByteOutput.directoryOf(path)
    let base = ByteOutput.baseName(path)
    let stem: Substring, ext: Substring
    if let dot = base.lastIndex(of: "."), dot != base.startIndex {
      stem = base[..<dot]
      ext = base[dot...]
    } else {
      stem = base[...]
      ext = ""
    }
    let writtenNames = Set(written.map { ByteOutput.baseName($0) })
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
    return entries.filter { name in
      guard !writtenNames.contains(name) else { return false }
      var info = stat()
      guard lstat(folder + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
      if name == base { return !writtenNames.isEmpty }
      guard name.hasPrefix(stem + "-"), name.hasSuffix(ext) else { return false }
      let digits = name.dropFirst(stem.count + 1).dropLast(ext.count)
      return digits.count >= 4 && digits.allSatisfy { $0 >= "0" && $0 <= "9" }
    }.sorted().map { folder == "." && !path.hasPrefix("./") ? $0 : folder + "/" + $0 }
  }
}
