using System.Text;
using Cairn.Replication.Placement;

namespace Cairn.Replication.Tests.Placement;

public sealed class HashSlotsTests
{
    [Fact]
    public void Crc16MatchesTheRedisClusterTestVector() =>
        Assert.Equal(0x31C3, Crc16.Compute("123456789"u8));

    [Theory]
    [InlineData("foo", 12182)]
    [InlineData("bar", 5061)]
    [InlineData("hello", 866)]
    [InlineData("", 0)]
    public void KeysHashToTheSlotsRedisGives(string key, int slot) =>
        Assert.Equal(slot, HashSlots.ForKey(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void HashTagsHashOnlyTheTaggedPart()
    {
        int user = HashSlots.ForKey("user1000"u8);
        Assert.Equal(user, HashSlots.ForKey("{user1000}.following"u8));
        Assert.Equal(user, HashSlots.ForKey("{user1000}.followers"u8));
        Assert.Equal(user, HashSlots.ForKey("foo{user1000}bar{zap}"u8));
    }

    [Fact]
    public void EmptyOrUnclosedTagsHashTheWholeKey()
    {
        Assert.Equal(Crc16.Compute("foo{}{bar}"u8) & 16383, HashSlots.ForKey("foo{}{bar}"u8));
        Assert.Equal(Crc16.Compute("foo{bar"u8) & 16383, HashSlots.ForKey("foo{bar"u8));
        Assert.Equal(Crc16.Compute("{bar"u8) & 16383, HashSlots.ForKey("foo{{bar}}zap"u8)); // the tag is "{bar", as in Redis
    }

    [Fact]
    public void PartitionsCoverEverySlotInContiguousRanges()
    {
        var layout = new PartitionLayout(64);
        int previous = 0;
        for (int slot = 0; slot < HashSlots.SlotCount; slot++)
        {
            int partition = layout.PartitionOfSlot(slot);
            Assert.True(partition == previous || partition == previous + 1);
            Assert.InRange(slot, layout.FirstSlot(partition), layout.LastSlot(partition));
            previous = partition;
        }
        Assert.Equal(63, previous);
        Assert.Equal(256, layout.LastSlot(0) + 1);
    }
}
