using Cairn.Engine.Memory.Persistence;
using Cairn.Primitives.FileSystem;

namespace Cairn.Host;

/// <summary>
/// `cairn check PATH [--fix]`: validates AOF files offline, like redis-check-aof. PATH is an AOF file or an appendonlydir.
/// Exit codes: 0 valid, 1 torn tail (fixable with --fix), 2 corrupt or unreadable.
/// </summary>
internal static class CheckVerb
{
    private static bool IsSnapshot(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        using FileStream stream = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[8];
        return stream.Read(magic) == 8 && magic.SequenceEqual(SnapshotFormat.Magic);
    }

    public static int Run(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("Usage: cairn check <appendonlydir | file.caof | snapshot> [--fix]");
            return 2;
        }
        bool fix = args.Contains("--fix");
        Cairn.Commands.Json.JsonValueCodec.Register(); // snapshots may hold JSON documents
        string target = args[0];
        var fileSystem = new PhysicalFileSystem();
        var files = new List<string>();
        if (Directory.Exists(target))
        {
            try
            {
                AofManifest? manifest = AofManifest.Load(fileSystem, target);
                if (manifest is null)
                {
                    Console.Error.WriteLine($"{target}: no {AofManifest.FileName}");
                    return 2;
                }
                files.AddRange(manifest.Files.Where(f => f.Type == 'i').Select(f => Path.Combine(target, f.Name)));
                foreach (var baseFile in manifest.Files.Where(f => f.Type == 'b'))
                {
                    string path = Path.Combine(target, baseFile.Name);
                    try
                    {
                        long keys = SnapshotReader.Load(new Cairn.Engine.Memory.MemoryStore(1024, TimeProvider.System), fileSystem, path, 0);
                        Console.WriteLine($"{path}: ok, base snapshot of {keys} keys");
                    }
                    catch (InvalidDataException e)
                    {
                        Console.WriteLine($"{path}: CORRUPT: {e.Message}");
                        return 2;
                    }
                }
                Console.WriteLine($"{AofManifest.FileName}: ok ({manifest.Files.Count} files)");
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }
        else if (IsSnapshot(target))
        {
            try
            {
                long keys = SnapshotReader.Load(new Cairn.Engine.Memory.MemoryStore(1024, TimeProvider.System), fileSystem, target, 0);
                Console.WriteLine($"{target}: ok, snapshot of {keys} keys");
                return 0;
            }
            catch (InvalidDataException e)
            {
                Console.WriteLine($"{target}: CORRUPT: {e.Message}");
                return 2;
            }
        }
        else
        {
            files.Add(target);
        }
        int worst = 0;
        foreach (string file in files)
        {
            AofReadResult result;
            try
            {
                result = AofReader.Read(fileSystem, file, null);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"{file}: {e.Message}");
                return 2;
            }
            switch (result.Status)
            {
                case AofReadStatus.Clean:
                    Console.WriteLine($"{file}: ok, {result.Records} records, {result.ValidLength} bytes");
                    break;
                case AofReadStatus.TornTail:
                    Console.WriteLine($"{file}: {result.Problem}; {result.Records} valid records in the first {result.ValidLength} bytes");
                    if (fix)
                    {
                        AofReader.Truncate(fileSystem, file, result.ValidLength);
                        Console.WriteLine($"{file}: truncated to {Math.Max(result.ValidLength, AofFormat.HeaderBytes)} bytes");
                    }
                    else
                    {
                        worst = Math.Max(worst, 1);
                    }
                    break;
                default:
                    Console.WriteLine($"{file}: CORRUPT: {result.Problem}");
                    worst = 2;
                    break;
            }
        }
        return worst;
    }
}
