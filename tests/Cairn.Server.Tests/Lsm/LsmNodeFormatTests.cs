using System.Text;
using Cairn.Commands.Config;
using Cairn.Commands.Execution;
using Cairn.Commands.Storage;
using Cairn.Engine.Lsm;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives.FileSystem;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cairn.Server.Tests.Lsm;

/// <summary>
/// The on-disk layout of a storage-lsm node (docs/formats/lsm-node.md), frozen: the exact LSM entries a small keyspace
/// produces, byte for byte. If this test fails, the format changed: bump <see cref="LsmNodeFormat.Version"/> and the doc.
/// </summary>
public sealed class LsmNodeFormatTests
{
    /// <summary>LSM key (hex) = LSM value (hex), in key order.</summary>
    private const string Golden = """
        6b00003c59aa1983d5e721737472=010100d8c32cbb03000076616c7565
        6b00011b1d8152120450fb6f6e65=010100000000000000002121
        6b00030f46771f8fee44ee646f63=01080000000000000000010f070202736f0302016e06020302030404d83c6a
        6d636f756e740000=01000000000000000100000000000000
        6d636f756e740001=01000000000000000000000000000000
        6d636f756e740003=01000000000000000000000000000000
        6d64626d6170=00000100020003000400050006000700080009000a000b000c000d000e000f00
        6d76657273696f6e=01000000
        700003646f63=
        780000000003bb2cc3d800737472=
        """;

    [Fact]
    public void ASmallKeyspaceIsStoredExactlyAsDocumented()
    {
        var fileSystem = new MemoryFileSystem();
        var config = new ServerConfig { Dir = "/golden", Storage = "lsm" };
        var context = new ServerContext(config, TimeProvider.System, NullLoggerFactory.Instance, fileSystem: fileSystem);
        LsmKeyspace keyspace = LsmKeyspace.Open(context);
        string actual;
        using (context.Store.Lock.EnterScope())
        {
            Database db0 = context.Store[0];
            db0.Set("str"u8, "value"u8.ToArray(), 4_102_444_800_000, keepTtl: false, nowMilliseconds: 0); // 2100-01-01
            db0.SignalModified("str"u8);
            Database db1 = context.Store[1];
            db1.Set("one"u8, "!!"u8.ToArray(), 0, keepTtl: false, nowMilliseconds: 0);
            db1.SignalModified("one"u8);
            Database db3 = context.Store[3];
            db3.Set("doc"u8, new Cairn.Commands.Json.JsonDocumentObject(Cairn.Documents.Json.JsonParser.Parse("""{"so":1,"n":[1,2]}""")), 0, false, 0);
            db3.SignalModified("doc"u8);
            keyspace.Commit();
            var text = new StringBuilder();
            using (LsmIterator iterator = keyspace.Lsm.NewIterator())
            {
                for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
                {
                    text.Append(Convert.ToHexString(iterator.Key).ToLowerInvariant()).Append('=')
                        .Append(Convert.ToHexString(iterator.Value).ToLowerInvariant()).Append('\n');
                }
            }
            actual = text.ToString();
            keyspace.Dispose();
        }
        Assert.Equal(Golden.ReplaceLineEndings("\n").TrimEnd('\n') + "\n", actual);
    }

    [Fact]
    public void AStoreOfAnotherLayoutVersionIsRefused()
    {
        var fileSystem = new MemoryFileSystem();
        var config = new ServerConfig { Dir = "/other", Storage = "lsm" };
        using (LsmDatabase lsm = LsmDatabase.Open(new LsmOptions(), fileSystem, "/other/lsm"))
        {
            lsm.Put(LsmNodeFormat.VersionKey, [2, 0, 0, 0], new WriteOptions { Sync = true });
        }
        var context = new ServerContext(config, TimeProvider.System, NullLoggerFactory.Instance, fileSystem: fileSystem);
        var error = Assert.Throws<InvalidDataException>(() => LsmKeyspace.Open(context));
        Assert.Contains("layout version 2", error.Message);
    }
}
