using System.Text;
using Cairn.Engine.Memory;
using Cairn.Engine.Memory.Keyspace;

namespace Cairn.Server.Tests.Infrastructure;

/// <summary>Looks inside a test server's keyspace under its lock (for encodings and memory accounting).</summary>
internal static class StoreInspection
{
    /// <summary>The OBJECT ENCODING name of a key's value in db 0, or null when the key is missing.</summary>
    public static string? EncodingOf(TestServer server, string key)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            Database db = store[0];
            int index = db.FindRaw(Encoding.UTF8.GetBytes(key));
            return index < 0 ? null : ((DataObject)db.EntryAt(index).Value).Encoding;
        }
    }

    /// <summary>
    /// Writes a string value straight into db 0 and signals the change as a string command would (this branch has no SET):
    /// breaks WATCHes and re-runs commands blocked on the key.
    /// </summary>
    public static void SetString(TestServer server, string key, string value)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            byte[] keyBytes = Encoding.UTF8.GetBytes(key);
            store[0].Set(keyBytes, Encoding.UTF8.GetBytes(value), 0, keepTtl: false, store.NowMilliseconds);
            store[0].SignalModified(keyBytes);
            server.Context.Blocking.SignalKeyReady(0, keyBytes);
            if (server.Context.Blocking.HasReadyKeys)
            {
                Cairn.Commands.Execution.Dispatcher.ServeBlocked(server.Context);
            }
        }
    }

    /// <summary>Deletes a key from db 0 as DEL would (this branch has no DEL).</summary>
    public static void Delete(TestServer server, string key)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            byte[] keyBytes = Encoding.UTF8.GetBytes(key);
            if (store[0].Remove(keyBytes, store.NowMilliseconds))
            {
                store[0].SignalModified(keyBytes);
                server.Context.Blocking.SignalKeyReady(0, keyBytes);
            }
        }
    }

    public static long UsedMemory(TestServer server)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            return store.UsedMemoryBytes;
        }
    }

    /// <summary>The sum of what every key accounts for, to compare with the store's running total.</summary>
    public static long RecomputedMemory(TestServer server)
    {
        MemoryStore store = server.Context.Store;
        using (store.Lock.EnterScope())
        {
            long total = 0;
            for (int d = 0; d < store.DatabaseCount; d++)
            {
                Database db = store[d];
                for (int i = db.NextSlot(0); i >= 0; i = db.NextSlot(i + 1))
                {
                    total += db.MemoryUsageAt(i);
                }
            }
            return total;
        }
    }

    public static int BlockedClients(TestServer server)
    {
        using (server.Context.Store.Lock.EnterScope())
        {
            return server.Context.Blocking.BlockedClients;
        }
    }

    /// <summary>Waits until exactly <paramref name="count"/> clients are blocked (fails after 5 s).</summary>
    public static void WaitForBlockedClients(TestServer server, int count)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(5);
        while (BlockedClients(server) != count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"expected {count} blocked clients, have {BlockedClients(server)}");
            Thread.Sleep(5);
        }
    }
}
