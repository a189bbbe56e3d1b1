using System.Buffers;
using Cairn.Engine.Memory.Keyspace;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Memory.Persistence;

/// <summary>
/// A point-in-time snapshot taken without fork and without copying the data set. The snapshot's moment is when it
/// starts (under the store lock). A background thread then walks each database's slots in short chunks under the lock
/// and serialises them; meanwhile, before a write replaces, removes or mutates a key the walk has not reached, the
/// write path (<see cref="IWriteTracker"/>) serialises that key's old value first and marks it done (copy-on-write at key
/// granularity). Keys created after the start are marked done without being written. Extra memory is therefore only the
/// serialised values of keys changed ahead of the walk, plus one visited-slot set per database.
/// The file is written to a temporary name, fsynced, and renamed into place, so a crash never leaves a partial snapshot.
/// Thread safety: hooks run under the store lock; the walk takes the lock per chunk.
/// </summary>
public sealed class SnapshotJob : IWriteTracker
{
    /// <summary>Slots serialised per hold of the store lock: about 30 µs for small keys, so clients wait little behind a
    /// snapshot (1024 held it about 250 µs a time; back-to-back BGSAVEs of 1M keys, SET/GET went from 34k/37k to
    /// 38k/50k requests/s with 128).</summary>
    private const int SlotsPerChunk = 128;
    private readonly MemoryStore _store;
    private readonly IFileSystem _fileSystem;
    private readonly string _path;
    private readonly DatabaseState[] _states;
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private ArrayBufferWriter<byte> _pending = new(64 * 1024);
    private long _keys;
    private readonly List<(string Name, byte[] Data)> _aux;

    private SnapshotJob(MemoryStore store, IFileSystem fileSystem, string path, long startedAtMilliseconds)
    {
        _store = store;
        _fileSystem = fileSystem;
        _path = path;
        StartedAtMilliseconds = startedAtMilliseconds;
        _states = new DatabaseState[store.DatabaseCount];
        _aux = store.SnapshotAuxProvider?.Invoke() ?? []; // taken at the snapshot's instant, written after the keys
        for (int i = 0; i < _states.Length; i++)
        {
            _states[i] = new DatabaseState { Limit = store[i].SlotLimit };
            store[i].Tracker = this;
        }
    }

    public long StartedAtMilliseconds { get; }

    public Task<SnapshotResult> Completion { get; private set; } = null!;

    /// <summary>
    /// Starts a snapshot of the store as it is now. REQUIRES: the caller holds the store lock. With
    /// <paramref name="background"/> false the whole snapshot is written before returning, still holding the lock (SAVE).
    /// </summary>
    public static SnapshotJob Start(MemoryStore store, IFileSystem fileSystem, string path, bool background = true)
    {
        var job = new SnapshotJob(store, fileSystem, path, store.NowMilliseconds);
        job.Completion = background ? Task.Factory.StartNew(job.Run, TaskCreationOptions.LongRunning) : Task.FromResult(job.Run());
        return job;
    }

    private SnapshotResult Run()
    {
        string temporary = _path + ".tmp-" + Environment.ProcessId;
        long bytes = 0;
        try
        {
            using (IWritableFile file = _fileSystem.CreateWritable(temporary))
            {
                file.Append(SnapshotFormat.CreateHeader(StartedAtMilliseconds));
                var chunk = new ArrayBufferWriter<byte>(256 * 1024);
                for (int db = 0; db < _states.Length; db++)
                {
                    while (true)
                    {
                        chunk.Clear();
                        bool done;
                        using (_store.Lock.EnterScope())
                        {
                            done = WalkChunk(db, chunk);
                            TakePending(chunk);
                        }
                        file.Append(chunk.WrittenSpan);
                        bytes += chunk.WrittenCount;
                        if (done)
                        {
                            break;
                        }
                    }
                }
                chunk.Clear();
                using (_store.Lock.EnterScope())
                {
                    Detach();
                    TakePending(chunk);
                    foreach ((string name, byte[] data) in _aux)
                    {
                        SnapshotFormat.WriteAux(chunk, name, data);
                    }
                    SnapshotFormat.WriteEnd(chunk, _keys);
                }
                file.Append(chunk.WrittenSpan);
                bytes += chunk.WrittenCount;
                file.Sync();
            }
            _fileSystem.Rename(temporary, _path);
            _fileSystem.SyncDirectory(Path.GetDirectoryName(_path) is { Length: > 0 } directory ? directory : ".");
            return new SnapshotResult(true, _keys, bytes, null);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            using (_store.Lock.EnterScope())
            {
                Detach();
            }
            try
            {
                _fileSystem.Delete(temporary);
            }
            catch (IOException)
            {
            }
            return new SnapshotResult(false, _keys, bytes, e.Message);
        }
    }

    /// <summary>Serialises the next chunk of a database's slots. Returns true when the database is finished.</summary>
    private bool WalkChunk(int dbIndex, ArrayBufferWriter<byte> output)
    {
        DatabaseState state = _states[dbIndex];
        if (state.Done)
        {
            return true;
        }
        Database db = _store[dbIndex];
        for (int n = 0; n < SlotsPerChunk; n++)
        {
            int slot = db.NextSlot(state.Cursor);
            if (slot < 0 || slot >= state.Limit)
            {
                state.Done = true;
                return true;
            }
            state.Cursor = slot + 1;
            if (!state.Visited.Contains(slot))
            {
                WriteSlot(db, slot, output);
            }
        }
        return false;
    }

    private void WriteSlot(Database db, int slot, ArrayBufferWriter<byte> output)
    {
        ref KeyEntry entry = ref db.EntryAt(slot);
        if (entry.TryGetString(out ReadOnlySpan<byte> text))
        {
            // No copy of an embedded string: a snapshot of 1M small strings would otherwise allocate 1M arrays (RSS peak
            // 1.35x steady state instead of about 1.0x).
            SnapshotFormat.WriteStringKey(output, _scratch, db.Index, entry.Key, db.ExpiresAt(slot), text);
        }
        else
        {
            SnapshotFormat.WriteKey(output, _scratch, db.Index, entry.Key, db.ExpiresAt(slot), entry.Value);
        }
        _keys++;
    }

    private void TakePending(ArrayBufferWriter<byte> output)
    {
        if (_pending.WrittenCount > 0)
        {
            output.Write(_pending.WrittenSpan);
            _pending = new ArrayBufferWriter<byte>(64 * 1024);
        }
    }

    private void Detach()
    {
        for (int i = 0; i < _states.Length; i++)
        {
            if (ReferenceEquals(_store[i].Tracker, this))
            {
                _store[i].Tracker = null;
            }
        }
    }

    public void BeforeChange(Database database, int slot)
    {
        DatabaseState state = _states[database.Index];
        if (state.Done || slot < state.Cursor || slot >= state.Limit || !state.Visited.Add(slot))
        {
            return;
        }
        WriteSlot(database, slot, _pending);
    }

    public void OnCreated(Database database, int slot)
    {
        DatabaseState state = _states[database.Index];
        if (!state.Done && slot >= state.Cursor && slot < state.Limit)
        {
            state.Visited.Add(slot);
        }
    }

    public void BeforeClear(Database database)
    {
        DatabaseState state = _states[database.Index];
        while (!WalkChunk(database.Index, _pending))
        {
        }
        state.Done = true;
    }

    private sealed class DatabaseState
    {
        public int Cursor;
        public int Limit;
        public bool Done;
        public HashSet<int> Visited { get; } = [];
    }
}
