using System.Buffers;
using System.Text;

namespace Cairn.Server.Bench;

/// <summary>
/// Any one command, repeated in batches of 64 against a node filled with one key of each type: strings `key:0`..`key:999`,
/// and `list`, `hash`, `set`, `zset` and `stream` of 200 elements each (`member:NNNNNNNNNNNN`, 20 bytes, with scores or
/// values `0`..`199`). For sweeping read and write paths for a cost that shows in one command only:
/// `loop command SECONDS "ZRANGEBYSCORE zset 0 99"`.
/// </summary>
internal sealed class CommandLoop
{
    private const int Batch = 64;
    private const int Elements = 200;
    private readonly BatchRunner _runner = new(1 << 22);
    private readonly ReadOnlySequence<byte> _batch;

    public CommandLoop(string command)
    {
        for (int i = 0; i < 1000; i++)
        {
            Run(Request("SET", $"key:{i}", new string('v', 64)));
        }
        for (int i = 0; i < Elements; i++)
        {
            string member = $"member:{i:D12}";
            string number = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Run(Request("RPUSH", "list", member));
            Run(Request("HSET", "hash", member, number));
            Run(Request("SADD", "set", member));
            Run(Request("ZADD", "zset", number, member));
            Run(Request("XADD", "stream", "*", "field", member));
        }
        string[] words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var batch = new StringBuilder();
        for (int i = 0; i < Batch; i++)
        {
            batch.Append(Request(words));
        }
        _batch = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(batch.ToString()));
    }

    /// <summary>Runs one batch; returns the commands run.</summary>
    public int RunBatch() => _runner.Run(_batch);

    private void Run(string request) => _runner.Run(new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(request)));

    private static string Request(params string[] words)
    {
        var request = new StringBuilder($"*{words.Length}\r\n");
        foreach (string word in words)
        {
            request.Append($"${word.Length}\r\n{word}\r\n");
        }
        return request.ToString();
    }
}
