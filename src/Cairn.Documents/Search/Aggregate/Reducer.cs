namespace Cairn.Documents.Search.Aggregate;

/// <summary>REDUCE function nargs args... [AS name]: COUNT, SUM, AVG, MIN, MAX, COUNT_DISTINCT, TOLIST.</summary>
public sealed record Reducer(string Function, string? Field, string Name);
