using System.Text;
using Cairn.Engine.Memory.Collections;

namespace Cairn.Server.Tests.Collections;

/// <summary>
/// A snapshot's view of a collection's hash table (<see cref="BytesMap{TValue}.Share"/>) against a dictionary model
/// under seeded random operations: while a view is open the table goes on adding (into new slots and freed ones, across
/// several slot chunks, growing its buckets), updating, removing and now and then draining to empty, and the view must
/// read exactly the pairs the table held when it was taken (its slot chunks are copy-on-write for keys and values).
/// </summary>
public sealed class BytesMapViewTests
{
    [Fact]
    public void AViewKeepsReadingTheTableAsItWasWhileTheTableChanges()
    {
        var random = new Random(20261202);
        var map = new BytesMap<int>();
        var model = new Dictionary<string, int>();
        BytesMap<int>? view = null;
        var viewModel = new Dictionary<string, int>();
        var shared = new SharedArrays();
        int views = 0;
        int largest = 0;
        for (int step = 0; step < 150_000; step++)
        {
            int op = random.Next(100);
            string key = $"key-{random.Next(40_000)}";
            byte[] keyBytes = Encoding.ASCII.GetBytes(key);
            if (op < 50)
            {
                int slot = map.FindOrAdd(keyBytes, out bool added);
                Assert.Equal(!model.ContainsKey(key), added);
                int value = random.Next();
                map.WritableValueAt(slot) = value;
                model[key] = value;
            }
            else if (op < 85)
            {
                Assert.Equal(model.Remove(key), map.Remove(keyBytes));
            }
            else if (op == 85 && random.Next(500) == 0)
            {
                foreach (string present in model.Keys)
                {
                    Assert.True(map.Remove(Encoding.ASCII.GetBytes(present)));
                }
                model.Clear(); // the table starts over in new arrays
            }
            else if (op >= 98 && random.Next(20) == 0)
            {
                if (view is null)
                {
                    shared = new SharedArrays();
                    view = map.Share(shared);
                    viewModel = new Dictionary<string, int>(model);
                    Assert.True(map.IsShared);
                }
                else
                {
                    AssertSame(viewModel, view);
                    map.Unshare(shared);
                    Assert.False(map.IsShared);
                    view = null;
                    views++;
                }
            }
            if (view is not null && step % 499 == 0)
            {
                AssertSame(viewModel, view);
            }
            if (step % 4999 == 0)
            {
                AssertSame(model, map);
            }
            largest = Math.Max(largest, map.SlotLimit);
        }
        AssertSame(model, map);
        Assert.True(views >= 10, $"only {views} views were taken and checked");
        Assert.True(largest > 2 * 8192, $"the table never spanned three slot chunks ({largest} slots at most)");
    }

    private static void AssertSame(Dictionary<string, int> expected, BytesMap<int> map)
    {
        var actual = new Dictionary<string, int>();
        for (int slot = map.NextOccupied(0); slot >= 0; slot = map.NextOccupied(slot + 1))
        {
            Assert.True(actual.TryAdd(Encoding.ASCII.GetString(map.KeyAt(slot)), map.ValueAt(slot)));
        }
        Assert.Equal(expected.Count, map.Count);
        Assert.Equal(expected, actual);
    }
}
