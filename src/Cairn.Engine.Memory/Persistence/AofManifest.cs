using System.Globalization;
using System.Text;
using Cairn.Primitives;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// The list of AOF files that make up the data set, in replay order (Redis 7's multi-part AOF): each start of the node
/// opens a new incremental file, so files are only ever appended and never reopened. Stored as text lines
/// "file NAME seq N type i" followed by "crc32c HEX" over the preceding bytes; replaced atomically (write, sync, rename,
/// sync directory).
/// </summary>
public sealed class AofManifest
{
    public const string FileName = "appendonly.aof.manifest";

    /// <summary>Files in replay order; Type is 'b' for a base (a snapshot) and 'i' for an incremental AOF file.</summary>
    public List<(string Name, long Sequence, char Type)> Files { get; } = [];

    public long NextSequence
    {
        get
        {
            long highest = 0;
            foreach ((_, long sequence, _) in Files)
            {
                highest = Math.Max(highest, sequence);
            }
            return highest + 1;
        }
    }

    /// <summary>Loads the manifest; returns null if absent. Throws InvalidDataException when it is corrupt.</summary>
    public static AofManifest? Load(IFileSystem fileSystem, string directory)
    {
        string path = directory + "/" + FileName;
        if (!fileSystem.Exists(path))
        {
            return null;
        }
        byte[] bytes;
        using (IRandomAccessFile file = fileSystem.OpenRandomAccess(path))
        {
            bytes = new byte[file.Length];
            int total = 0;
            while (total < bytes.Length)
            {
                int n = file.Read(total, bytes.AsSpan(total));
                if (n <= 0)
                {
                    break;
                }
                total += n;
            }
        }
        string text = Encoding.UTF8.GetString(bytes);
        int crcLine = text.LastIndexOf("crc32c ", StringComparison.Ordinal);
        if (crcLine < 0)
        {
            throw new InvalidDataException($"{path}: manifest has no checksum line");
        }
        string body = text[..crcLine];
        string expected = text[(crcLine + 7)..].Trim();
        string actual = Crc32C.Compute(Encoding.UTF8.GetBytes(body)).ToString("x8", CultureInfo.InvariantCulture);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path} at offset {crcLine}: manifest checksum mismatch");
        }
        var manifest = new AofManifest();
        foreach (string line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ');
            if (parts.Length != 6 || parts[0] != "file" || parts[2] != "seq" || parts[4] != "type" || parts[5] is not ("b" or "i")
                || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out long sequence))
            {
                throw new InvalidDataException($"{path}: invalid manifest line '{line}'");
            }
            manifest.Files.Add((parts[1], sequence, parts[5][0]));
        }
        return manifest;
    }

    public void Save(IFileSystem fileSystem, string directory)
    {
        var body = new StringBuilder();
        foreach ((string name, long sequence, char type) in Files)
        {
            body.Append(CultureInfo.InvariantCulture, $"file {name} seq {sequence} type {type}\n");
        }
        string text = body.ToString();
        string crc = Crc32C.Compute(Encoding.UTF8.GetBytes(text)).ToString("x8", CultureInfo.InvariantCulture);
        string path = directory + "/" + FileName;
        string temporary = path + ".tmp";
        using (IWritableFile file = fileSystem.CreateWritable(temporary))
        {
            file.Append(Encoding.UTF8.GetBytes(text + "crc32c " + crc + "\n"));
            file.Sync();
        }
        fileSystem.Rename(temporary, path);
        fileSystem.SyncDirectory(directory);
    }

    public static string IncrementalFileName(long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"appendonly.aof.{sequence}.incr.caof");

    public static string BaseFileName(long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"appendonly.aof.{sequence}.base.csnp");
}
