using Cairn.Engine.Memory.Keyspace;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Sets;

/// <summary>Direct looks into a test server's keyspace (under the store lock) for what no command in this branch shows.</summary>
internal static class KeyspaceProbe
{
    /// <summary>OBJECT ENCODING of a key, or null when it is missing.</summary>
    public static string? Encoding(TestServer server, string key)
    {
        lock (server.Context.Store.Lock)
        {
            Database db = server.Context.Store[0];
            int slot = db.FindRaw(System.Text.Encoding.UTF8.GetBytes(key));
            return slot < 0 ? null : db.EntryAt(slot).Value is DataObject data ? data.Encoding : "string";
        }
    }

    /// <summary>Creates a string key (no SET command in this branch) for WRONGTYPE tests.</summary>
    public static void SetString(TestServer server, string key, string value = "text")
    {
        lock (server.Context.Store.Lock)
        {
            server.Context.Store[0].Set(System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(value), 0,
                keepTtl: false, server.Context.Store.NowMilliseconds);
        }
    }

    public static bool Exists(TestServer server, string key) => Encoding(server, key) is not null;

    /// <summary>The value's MemoryUsageBytes, for checking incremental accounting against a rebuilt copy.</summary>
    public static (long Incremental, long Rebuilt) Memory(TestServer server, string key)
    {
        lock (server.Context.Store.Lock)
        {
            Database db = server.Context.Store[0];
            var data = (DataObject)db.EntryAt(db.FindRaw(System.Text.Encoding.UTF8.GetBytes(key))).Value;
            return (data.MemoryUsageBytes, data.Clone().MemoryUsageBytes);
        }
    }
}
