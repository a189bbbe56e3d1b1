using System.Text;
using Cairn.Server.Networking;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Protocol;

/// <summary>
/// When several clients' requests arrive in one loop wake-up and name the same collection, the loop prefetches the
/// members they name before running them (ReadyKeysPrefetcher, LookAheadMember). That is a hint and must never change a
/// reply: many unpipelined clients adding to the same large set, hash and sorted set, and deleting and retyping one of
/// them meanwhile, get exactly the replies Redis gives.
/// </summary>
public sealed class ReadyClientsMemberPrefetchTests : IClassFixture<ReadyClientsMemberPrefetchTests.Fixture>
{
    private readonly TestServer _server;

    public ReadyClientsMemberPrefetchTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    [Theory]
    [InlineData("SADD rc:k member", false, "member")]
    [InlineData("HSET rc:k field value", false, "field")]
    [InlineData("ZADD rc:k 1.5 member", true, "member")]
    [InlineData("ZADD rc:k -inf member", true, "member")]
    [InlineData("ZINCRBY rc:k 2 member", true, "member")]
    [InlineData("ZADD rc:k NX 1 member", true, "NX")] // flags: a wrong guess, only a wasted prefetch
    [InlineData("ZSCORE rc:k 12", true, "12")] // a numeric member with nothing after it is the member
    [InlineData("SADD rc:k member", true, "member")]
    public void TheMemberGuessIsTheArgumentAfterTheKeyOrAfterASortedSetsScore(string command, bool scoreFirst, string expected)
    {
        string[] words = command.Split(' ');
        var frame = new StringBuilder();
        var starts = new int[3];
        var lengths = new int[] { -1, -1, -1 };
        int offset = 0;
        for (int i = 1; i < words.Length && i <= 3; i++)
        {
            starts[i - 1] = offset;
            lengths[i - 1] = words[i].Length;
            frame.Append(words[i]).Append(' ');
            offset += words[i].Length + 1;
        }
        byte[] buffer = Encoding.ASCII.GetBytes(frame.ToString());
        Assert.True(LookAheadMember.TryHash(buffer, starts, lengths, scoreFirst, out int hash));
        Assert.Equal(Cairn.Primitives.ByteArrayComparer.Hash(Encoding.ASCII.GetBytes(expected)), hash);
    }

    [Fact]
    public void ARequestWithoutAMemberNamesNone()
    {
        byte[] buffer = Encoding.ASCII.GetBytes("key");
        Assert.False(LookAheadMember.TryHash(buffer, [0, 0, 0], [3, -1, -1], scoreFirst: false, out _));
        Assert.False(LookAheadMember.TryHash(buffer, [0, 0, 0], [3, -1, -1], scoreFirst: true, out _));
    }

    [Fact]
    public async Task ManyClientsAddingToTheSameLargeCollectionsGetRedisReplies()
    {
        const int Clients = 12;
        const int PerClient = 400;
        using (RawClient setup = _server.Raw())
        {
            // Large enough for the hash-table encodings, where the prefetch applies.
            for (int i = 0; i < 300; i++)
            {
                setup.Execute("SADD", "rc:set", $"seed{i}");
                setup.Execute("HSET", "rc:hash", $"seed{i}", "v");
                setup.Execute("ZADD", "rc:zset", i.ToString(System.Globalization.CultureInfo.InvariantCulture), $"seed{i}");
            }
        }
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new ManualResetEventSlim();
        Task[] workers = new Task[Clients];
        for (int c = 0; c < Clients; c++)
        {
            int client = c;
            workers[c] = Task.Factory.StartNew(() =>
            {
                using RawClient raw = _server.Raw();
                start.Wait();
                for (int i = 0; i < PerClient; i++)
                {
                    string member = $"c{client}m{i}";
                    Expect(failures, raw.Execute("SADD", "rc:set", member), ":1", member);
                    Expect(failures, raw.Execute("HSET", "rc:hash", member, "x"), ":1", member);
                    Expect(failures, raw.Execute("ZADD", "rc:zset", "7", member), ":1", member);
                    Expect(failures, raw.Execute("ZINCRBY", "rc:zset", "2", member), "9", member);
                    Expect(failures, raw.Execute("SISMEMBER", "rc:set", member), ":1", member);
                    // One client keeps deleting and retyping a key the others name too: the hint must not mind.
                    if (client == 0)
                    {
                        raw.Execute("DEL", "rc:other");
                        Expect(failures, raw.Execute("SET", "rc:other", "s"), "+OK", member);
                    }
                    else
                    {
                        string reply = raw.Execute("SADD", "rc:other", member);
                        if (reply is not (":1" or "-WRONGTYPE Operation against a key holding the wrong kind of value"))
                        {
                            failures.Enqueue($"SADD rc:other {member}: {reply}");
                        }
                    }
                }
            }, TaskCreationOptions.LongRunning);
        }
        start.Set();
        await Task.WhenAll(workers);
        Assert.Empty(failures);
        using RawClient check = _server.Raw();
        string total = $":{300 + (Clients * PerClient)}";
        Assert.Equal(total, check.Execute("SCARD", "rc:set"));
        Assert.Equal(total, check.Execute("HLEN", "rc:hash"));
        Assert.Equal(total, check.Execute("ZCARD", "rc:zset"));
        Assert.Equal("9", check.Execute("ZSCORE", "rc:zset", $"c{Clients - 1}m{PerClient - 1}"));
    }

    private static void Expect(System.Collections.Concurrent.ConcurrentQueue<string> failures, string actual, string expected, string member)
    {
        if (actual != expected)
        {
            failures.Enqueue($"{member}: expected '{expected}', got '{actual}'");
        }
    }
}
