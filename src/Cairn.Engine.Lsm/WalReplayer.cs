using Cairn.Engine.Lsm.Manifest;
using Cairn.Engine.Lsm.Memtable;
using Cairn.Engine.Lsm.Wal;
using Cairn.Primitives.FileSystem;

namespace Cairn.Engine.Lsm;

/// <summary>
/// Replays the write-ahead logs not yet in tables, oldest first, into level-0 tables. A torn tail of the last log (the
/// unsynced end of a crash) is expected and only noted. Damage anywhere else stops the replay at the last good record, so
/// the database opens as of a consistent point in time, and is reported; in
/// <see cref="WalRecoveryMode.AbsoluteConsistency"/> it makes the open fail instead.
/// Thread safety: runs once, during open, under the database mutex.
/// </summary>
internal sealed class WalReplayer
{
    private readonly LsmDatabase _database;
    private readonly VersionEdit _edit;

    public WalReplayer(LsmDatabase database, VersionEdit edit)
    {
        _database = database;
        _edit = edit;
    }

    public void Replay(List<ulong> logNumbers)
    {
        IFileSystem fileSystem = _database.FileSystem;
        MemTable? memtable = null;
        bool stopped = false;
        var batch = new WriteBatch();
        for (int i = 0; i < logNumbers.Count; i++)
        {
            string path = DatabaseFiles.LogPath(_database.Directory, logNumbers[i]);
            if (stopped)
            {
                _database.AddRecoveryReport($"{path}: ignored, it follows damage in an earlier log");
                continue;
            }
            using IRandomAccessFile file = fileSystem.OpenRandomAccess(path);
            var reader = new LogReader(file);
            while (true)
            {
                LogReadResult result = reader.ReadRecord(LogFormat.WalMagic, out ReadOnlyMemory<byte> record);
                long problemOffset;
                string reason;
                if (result == LogReadResult.Record)
                {
                    if (batch.TrySetContents(record.Span))
                    {
                        _database.ReplayBatch(batch, ref memtable, _edit);
                        continue;
                    }
                    problemOffset = reader.LastRecordEndOffset - record.Length;
                    reason = "malformed write batch";
                }
                else if (result == LogReadResult.EndOfFile)
                {
                    if (reader.TornTail)
                    {
                        _database.AddRecoveryReport($"{path}: torn tail after offset {reader.LastRecordEndOffset} dropped");
                    }
                    break;
                }
                else
                {
                    problemOffset = reader.ProblemOffset;
                    reason = reader.ProblemReason;
                }
                int laterRecords = CountRemainingRecords(reader);
                bool lastLog = i == logNumbers.Count - 1;
                if (laterRecords == 0 && lastLog)
                {
                    _database.AddRecoveryReport($"{path}: damaged tail at offset {problemOffset} ({reason}) dropped");
                    break;
                }
                if (_database.Options.WalRecovery == WalRecoveryMode.AbsoluteConsistency)
                {
                    throw new CorruptionException(path, problemOffset, reason);
                }
                _database.AddRecoveryReport(
                    $"{path}: damage at offset {problemOffset} ({reason}); replay stopped there, {laterRecords} later records in this log dropped");
                stopped = true;
                break;
            }
        }
        if (memtable is not null && (!memtable.IsEmpty || memtable.RangeTombstoneCount > 0))
        {
            _database.WriteRecoveryTable(memtable, _edit);
        }
    }

    private static int CountRemainingRecords(LogReader reader)
    {
        int count = 0;
        while (true)
        {
            LogReadResult result = reader.ReadRecord(LogFormat.WalMagic, out _);
            if (result == LogReadResult.EndOfFile)
            {
                return count;
            }
            if (result == LogReadResult.Record)
            {
                count++;
            }
        }
    }
}
