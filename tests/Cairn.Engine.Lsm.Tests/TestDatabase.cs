using System.Text;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm.Tests;

/// <summary>Helpers shared by the engine tests: small options so that flushes and compactions happen with little data.</summary>
internal static class TestDatabase
{
    public const string DatabasePath = "/db";

    public static LsmOptions SmallOptions(bool background = false) => new()
    {
        MemoryBudgetBytes = 4L * 1024 * 1024,
        WriteBufferSizeBytes = 64 * 1024,
        BlockSizeBytes = 1024,
        TargetFileSizeBytes = 32 * 1024,
        MaxBytesForLevelBase = 128 * 1024,
        Level0CompactionTrigger = 2,
        Level0SlowdownTrigger = 8,
        BackgroundWork = background,
    };

    public static LsmDatabase Open(IFileSystem fileSystem, LsmOptions? options = null) =>
        LsmDatabase.Open(options ?? SmallOptions(), fileSystem, DatabasePath);

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);

    public static byte[] Key(int i) => Bytes($"key{i:D8}");

    public static byte[] Value(int i, int round = 0) => Bytes($"value-{i}-{round}-" + new string('x', i % 50));
}
