using System.Globalization;
using Cairn.Server.Tests.Infrastructure;

namespace Cairn.Server.Tests.Keys;

public sealed class ExpireCommandsTests : IClassFixture<ExpireCommandsTests.Fixture>
{
    private readonly TestServer _server;

    public ExpireCommandsTests(Fixture fixture)
    {
        _server = fixture.Server;
    }

    public sealed class Fixture : IDisposable
    {
        public TestServer Server { get; } = new();

        public void Dispose() => Server.Dispose();
    }

    private void Seed(string key, long expiresAt = 0) => KeyspaceSeeder.SetString(_server, key, "v", 0, expiresAt);

    private long Now => _server.Context.NowMilliseconds;

    private static long Integer(string reply)
    {
        Assert.StartsWith(":", reply, StringComparison.Ordinal);
        return long.Parse(reply[1..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void ExpireSetsATtlInSeconds()
    {
        Seed("expire:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("EXPIRE", "expire:a", "100"));
        Assert.Equal(":100", client.Execute("TTL", "expire:a"));
        Assert.InRange(Integer(client.Execute("PTTL", "expire:a")), 99_000, 100_000);
    }

    [Fact]
    public void PExpireSetsATtlInMilliseconds()
    {
        Seed("pexpire:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("PEXPIRE", "pexpire:a", "100000"));
        Assert.InRange(Integer(client.Execute("PTTL", "pexpire:a")), 99_000, 100_000);
        Assert.Equal(":100", client.Execute("TTL", "pexpire:a"));
    }

    [Fact]
    public void TtlRoundsToTheNearestSecond()
    {
        Seed("ttl:round", Now + 1_600);
        using RawClient client = _server.Raw();
        Assert.Equal(":2", client.Execute("TTL", "ttl:round"));
    }

    [Fact]
    public void TtlIsMinusTwoForAMissingKeyAndMinusOneWithoutExpiry()
    {
        Seed("ttl:persistent");
        using RawClient client = _server.Raw();
        Assert.Equal(":-2", client.Execute("TTL", "ttl:missing"));
        Assert.Equal(":-2", client.Execute("PTTL", "ttl:missing"));
        Assert.Equal(":-2", client.Execute("EXPIRETIME", "ttl:missing"));
        Assert.Equal(":-2", client.Execute("PEXPIRETIME", "ttl:missing"));
        Assert.Equal(":-1", client.Execute("TTL", "ttl:persistent"));
        Assert.Equal(":-1", client.Execute("PTTL", "ttl:persistent"));
        Assert.Equal(":-1", client.Execute("EXPIRETIME", "ttl:persistent"));
        Assert.Equal(":-1", client.Execute("PEXPIRETIME", "ttl:persistent"));
    }

    [Fact]
    public void ExpireOnAMissingKeyRepliesZero()
    {
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("EXPIRE", "expire:missing", "100"));
        Assert.Equal(":0", client.Execute("PEXPIREAT", "expire:missing", "1"));
        Assert.Equal(":0", client.Execute("EXISTS", "expire:missing"));
    }

    [Fact]
    public void AbsoluteExpiryRoundTripsThroughExpireTime()
    {
        Seed("expireat:a");
        Seed("expireat:b");
        long at = Now + 1_000_000;
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("PEXPIREAT", "expireat:a", at.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(":" + at, client.Execute("PEXPIRETIME", "expireat:a"));
        Assert.Equal(":" + ((at + 500) / 1000), client.Execute("EXPIRETIME", "expireat:a"));
        long seconds = (Now / 1000) + 5_000;
        Assert.Equal(":1", client.Execute("EXPIREAT", "expireat:b", seconds.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(":" + seconds, client.Execute("EXPIRETIME", "expireat:b"));
        Assert.Equal(":" + (seconds * 1000), client.Execute("PEXPIRETIME", "expireat:b"));
    }

    [Theory]
    [InlineData("EXPIRE", "-1")]
    [InlineData("EXPIRE", "0")]
    [InlineData("PEXPIRE", "-100")]
    [InlineData("EXPIREAT", "1")]
    [InlineData("PEXPIREAT", "0")]
    [InlineData("PEXPIREAT", "-9223372036854775808")]
    public void ATimeInThePastDeletesTheKeyAndRepliesOne(string command, string when)
    {
        string key = "past:" + command + when;
        Seed(key);
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute(command, key, when));
        Assert.Equal(":0", client.Execute("EXISTS", key));
        Assert.False(KeyspaceSeeder.IsStored(_server, key));
    }

    [Fact]
    public void NxSetsOnlyWithoutAnExpiry()
    {
        Seed("nx:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("EXPIRE", "nx:a", "100", "NX"));
        Assert.Equal(":0", client.Execute("EXPIRE", "nx:a", "200", "nx"));
        Assert.Equal(":100", client.Execute("TTL", "nx:a"));
    }

    [Fact]
    public void XxSetsOnlyOverAnExpiry()
    {
        Seed("xx:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("EXPIRE", "xx:a", "100", "XX"));
        Assert.Equal(":-1", client.Execute("TTL", "xx:a"));
        client.Execute("EXPIRE", "xx:a", "100");
        Assert.Equal(":1", client.Execute("EXPIRE", "xx:a", "200", "XX"));
        Assert.Equal(":200", client.Execute("TTL", "xx:a"));
    }

    [Fact]
    public void GtTreatsNoExpiryAsInfiniteAndNeedsAStrictlyLaterTime()
    {
        Seed("gt:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("EXPIRE", "gt:a", "100", "GT"));
        Assert.Equal(":-1", client.Execute("TTL", "gt:a"));
        client.Execute("PEXPIREAT", "gt:a", (Now + 100_000).ToString(CultureInfo.InvariantCulture));
        string at = client.Execute("PEXPIRETIME", "gt:a")[1..];
        Assert.Equal(":0", client.Execute("PEXPIREAT", "gt:a", at, "GT"));
        Assert.Equal(":0", client.Execute("EXPIRE", "gt:a", "50", "GT"));
        Assert.Equal(":1", client.Execute("EXPIRE", "gt:a", "200", "GT"));
        Assert.Equal(":200", client.Execute("TTL", "gt:a"));
    }

    [Fact]
    public void LtTreatsNoExpiryAsInfiniteAndNeedsAStrictlyEarlierTime()
    {
        Seed("lt:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("EXPIRE", "lt:a", "200", "LT"));
        Assert.Equal(":0", client.Execute("EXPIRE", "lt:a", "300", "LT"));
        string at = client.Execute("PEXPIRETIME", "lt:a")[1..];
        Assert.Equal(":0", client.Execute("PEXPIREAT", "lt:a", at, "LT"));
        Assert.Equal(":1", client.Execute("EXPIRE", "lt:a", "100", "lt"));
        Assert.Equal(":100", client.Execute("TTL", "lt:a"));
    }

    [Fact]
    public void XxCombinesWithGt()
    {
        Seed("xxgt:a");
        using RawClient client = _server.Raw();
        Assert.Equal(":0", client.Execute("EXPIRE", "xxgt:a", "100", "XX", "GT"));
        client.Execute("EXPIRE", "xxgt:a", "100");
        Assert.Equal(":1", client.Execute("EXPIRE", "xxgt:a", "200", "XX", "GT"));
    }

    [Fact]
    public void ConflictingOptionsAreRefusedBeforeTheTimeIsParsed()
    {
        Seed("opts:a");
        using RawClient client = _server.Raw();
        const string nxError = "-ERR NX and XX, GT or LT options at the same time are not compatible";
        Assert.Equal(nxError, client.Execute("EXPIRE", "opts:a", "100", "NX", "XX"));
        Assert.Equal(nxError, client.Execute("EXPIRE", "opts:a", "100", "NX", "GT"));
        Assert.Equal(nxError, client.Execute("PEXPIRE", "opts:a", "100", "LT", "NX"));
        Assert.Equal(nxError, client.Execute("EXPIRE", "opts:a", "notanumber", "NX", "XX"));
        Assert.Equal("-ERR GT and LT options at the same time are not compatible", client.Execute("EXPIRE", "opts:a", "100", "GT", "LT"));
        Assert.Equal("-ERR Unsupported option Foo", client.Execute("EXPIRE", "opts:a", "100", "Foo"));
        Assert.Equal("-ERR Unsupported option KEEPTTL", client.Execute("EXPIRE", "opts:missing", "abc", "NX", "KEEPTTL"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("EXPIRE", "opts:a", "1.5"));
        Assert.Equal("-ERR value is not an integer or out of range", client.Execute("EXPIRE", "opts:a", " 1"));
        Assert.Equal(":-1", client.Execute("TTL", "opts:a"));
    }

    [Theory]
    [InlineData("EXPIRE", "9223372036854775807")]
    [InlineData("EXPIRE", "-9223372036854775808")]
    [InlineData("EXPIRE", "9223372036854775")]
    [InlineData("EXPIREAT", "9223372036854776")]
    [InlineData("EXPIREAT", "-9223372036854776")]
    [InlineData("PEXPIRE", "9223372036854775807")]
    public void OverflowingTimesAreInvalid(string command, string when)
    {
        Seed("overflow:a");
        using RawClient client = _server.Raw();
        Assert.Equal($"-ERR invalid expire time in '{command.ToLowerInvariant()}' command", client.Execute(command, "overflow:a", when));
        Assert.Equal(":-1", client.Execute("TTL", "overflow:a"));
    }

    [Fact]
    public void TheLargestAbsoluteTimeIsAccepted()
    {
        Seed("overflow:max");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("PEXPIREAT", "overflow:max", "9223372036854775807"));
        Assert.Equal(":9223372036854775807", client.Execute("PEXPIRETIME", "overflow:max"));
        Assert.Equal(":1", client.Execute("EXPIREAT", "overflow:max", "9223372036854775"));
    }

    [Fact]
    public void PersistRemovesAnExpiry()
    {
        Seed("persist:a", Now + 100_000);
        Seed("persist:b");
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("PERSIST", "persist:a"));
        Assert.Equal(":-1", client.Execute("TTL", "persist:a"));
        Assert.Equal(":0", client.Execute("PERSIST", "persist:a"));
        Assert.Equal(":0", client.Execute("PERSIST", "persist:b"));
        Assert.Equal(":0", client.Execute("PERSIST", "persist:missing"));
    }

    [Fact]
    public void AnExpiredKeyIsGoneOnAccessAndCountedAsExpired()
    {
        long expiredBefore = KeyspaceSeeder.Read(_server, s => s.Stats.ExpiredKeys);
        // A second of margin: on a loaded CI machine the seed and the first connect can take longer than a
        // few tens of milliseconds, and the key must still be live for the first EXISTS.
        long deadline = Now + 1_000;
        Seed("lazy:a", deadline);
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("EXISTS", "lazy:a"));
        while (Now <= deadline + 20)
        {
            Thread.Sleep(50);
        }
        // Whichever comes first (this access or the active cycle) deletes it; the reply and the count are the same.
        Assert.Equal(":0", client.Execute("EXISTS", "lazy:a"));
        Assert.Equal(":-2", client.Execute("TTL", "lazy:a"));
        Assert.False(KeyspaceSeeder.IsStored(_server, "lazy:a"));
        Assert.True(KeyspaceSeeder.Read(_server, s => s.Stats.ExpiredKeys) >= expiredBefore + 1);
    }

    [Fact]
    public void LazyExpiryDeletesAKeyTheActiveCycleHasNotReached()
    {
        // A deadline moved into the past behind the deadline heap's back: only a look-up can find it due.
        Seed("lazy:hidden", Now + 60_000);
        KeyspaceSeeder.Read(_server, s =>
        {
            s[0].MoveDeadlineUnscheduled(s[0].FindRaw("lazy:hidden"u8), Now - 1);
            return 0;
        });
        Assert.True(KeyspaceSeeder.IsStored(_server, "lazy:hidden"));
        using RawClient client = _server.Raw();
        Assert.Equal(":-2", client.Execute("PTTL", "lazy:hidden"));
        Assert.False(KeyspaceSeeder.IsStored(_server, "lazy:hidden"));
    }

    [Fact]
    public void ExpireAfterAnExpiryReplacesTheDeadline()
    {
        Seed("reexpire:a", Now + 1_000);
        using RawClient client = _server.Raw();
        Assert.Equal(":1", client.Execute("EXPIRE", "reexpire:a", "1000"));
        Thread.Sleep(1_200);
        Assert.Equal(":1", client.Execute("EXISTS", "reexpire:a"));
    }
}
