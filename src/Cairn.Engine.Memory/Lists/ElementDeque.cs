using Cairn.Primitives;

namespace Cairn.Engine.Memory.Lists;

/// <summary>
/// A ring buffer of elements: O(1) push and pop at both ends and O(1) access by index (LINDEX, LSET, LRANGE from any
/// offset), O(n) insertion and removal in the middle, as a Redis list. Invariant: slots outside [head, head+count) are null.
/// Thread safety: none (under the store lock).
/// </summary>
internal sealed class ElementDeque
{
    private byte[][] _items;
    private int _head;
    private int _count;

    public ElementDeque(int capacity = 4)
    {
        _items = new byte[capacity < 4 ? 4 : capacity][];
    }

    public int Count => _count;

    public byte[] this[int index]
    {
        get
        {
            Invariant.Require((uint)index < (uint)_count, "list index out of bounds");
            return _items[Physical(index)];
        }
        set
        {
            Invariant.Require((uint)index < (uint)_count, "list index out of bounds");
            _items[Physical(index)] = value;
        }
    }

    public void AddFirst(byte[] element)
    {
        EnsureRoom();
        _head = _head == 0 ? _items.Length - 1 : _head - 1;
        _items[_head] = element;
        _count++;
    }

    public void AddLast(byte[] element)
    {
        EnsureRoom();
        _items[Physical(_count)] = element;
        _count++;
    }

    public byte[] RemoveFirst()
    {
        Invariant.Require(_count > 0, "pop from an empty list");
        byte[] element = _items[_head];
        _items[_head] = null!;
        _head = _head + 1 == _items.Length ? 0 : _head + 1;
        _count--;
        ShrinkIfSparse();
        return element;
    }

    public byte[] RemoveLast()
    {
        Invariant.Require(_count > 0, "pop from an empty list");
        int last = Physical(_count - 1);
        byte[] element = _items[last];
        _items[last] = null!;
        _count--;
        ShrinkIfSparse();
        return element;
    }

    /// <summary>Inserts so that the element ends up at <paramref name="index"/> (0..Count), moving the shorter side.</summary>
    public void Insert(int index, byte[] element)
    {
        Invariant.Require((uint)index <= (uint)_count, "insert position out of bounds");
        if (index == 0)
        {
            AddFirst(element);
            return;
        }
        if (index == _count)
        {
            AddLast(element);
            return;
        }
        EnsureRoom();
        if (index < _count / 2)
        {
            _head = _head == 0 ? _items.Length - 1 : _head - 1;
            _count++;
            for (int i = 0; i < index; i++)
            {
                _items[Physical(i)] = _items[Physical(i + 1)];
            }
        }
        else
        {
            _count++;
            for (int i = _count - 1; i > index; i--)
            {
                _items[Physical(i)] = _items[Physical(i - 1)];
            }
        }
        _items[Physical(index)] = element;
    }

    public void RemoveAt(int index)
    {
        Invariant.Require((uint)index < (uint)_count, "remove position out of bounds");
        if (index < _count / 2)
        {
            for (int i = index; i > 0; i--)
            {
                _items[Physical(i)] = _items[Physical(i - 1)];
            }
            RemoveFirst();
        }
        else
        {
            for (int i = index; i < _count - 1; i++)
            {
                _items[Physical(i)] = _items[Physical(i + 1)];
            }
            RemoveLast();
        }
    }

    /// <summary>Drops <paramref name="n"/> elements from the head.</summary>
    public void RemoveFirst(int n)
    {
        Invariant.Require((uint)n <= (uint)_count, "trim beyond the list");
        for (int i = 0; i < n; i++)
        {
            _items[_head] = null!;
            _head = _head + 1 == _items.Length ? 0 : _head + 1;
        }
        _count -= n;
        ShrinkIfSparse();
    }

    /// <summary>Drops <paramref name="n"/> elements from the tail.</summary>
    public void RemoveLast(int n)
    {
        Invariant.Require((uint)n <= (uint)_count, "trim beyond the list");
        for (int i = 0; i < n; i++)
        {
            _items[Physical(_count - 1 - i)] = null!;
        }
        _count -= n;
        ShrinkIfSparse();
    }

    public ElementDeque Clone()
    {
        var copy = new ElementDeque(_count);
        for (int i = 0; i < _count; i++)
        {
            copy.AddLast((byte[])this[i].Clone());
        }
        return copy;
    }

    private int Physical(int index)
    {
        int i = _head + index;
        return i >= _items.Length ? i - _items.Length : i;
    }

    private void EnsureRoom()
    {
        if (_count == _items.Length)
        {
            Resize(_items.Length * 2);
        }
    }

    private void ShrinkIfSparse()
    {
        if (_items.Length > 64 && _count < _items.Length / 4)
        {
            Resize(_items.Length / 2);
        }
    }

    private void Resize(int capacity)
    {
        var items = new byte[capacity][];
        for (int i = 0; i < _count; i++)
        {
            items[i] = _items[Physical(i)];
        }
        _items = items;
        _head = 0;
    }
}
