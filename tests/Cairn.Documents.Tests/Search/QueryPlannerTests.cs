using Cairn.Documents.Json;
using Cairn.Documents.Search;
using Cairn.Documents.Search.Query;

namespace Cairn.Documents.Tests.Search;

public sealed class QueryPlannerTests
{
    private static SearchIndex BuildIndex(int documents)
    {
        string[] args = ["idx", "ON", "JSON", "PREFIX", "1", "d:", "SCHEMA", "$.tag", "AS", "tag", "TAG", "$.n", "AS", "n", "NUMERIC"];
        Assert.True(SearchIndexDefinitionParser.TryParse(args, out var definition, out string error), error);
        var index = new SearchIndex(definition);
        for (int i = 0; i < documents; i++)
        {
            string tag = i % 100 == 0 ? "rare" : "common";
            index.Upsert(System.Text.Encoding.UTF8.GetBytes("d:" + i), JsonParser.Parse($$"""{"tag":"{{tag}}","n":{{i % 1000}}}"""));
        }
        return index;
    }

    private static QueryNode Parse(SearchIndex index, string query)
    {
        Assert.True(QueryParser.TryParse(query, index.Definition, new Dictionary<string, string>(), index.Stopwords, out var node, out string error), error);
        return node;
    }

    [Fact]
    public void ConjunctionStartsFromTheMostSelectiveTermAndChecksOnlyItsCandidates()
    {
        var index = BuildIndex(10_000);
        var planner = new QueryPlanner(index);
        var result = planner.Execute(Parse(index, "@n:[0 850] @tag:{rare}"));
        Assert.Equal(90, result.Count); // rare ids are multiples of 100, n = id % 1000 in {0, 100, ..., 900}: 9 of 10 values qualify
        Assert.True(planner.CandidateChecks <= 100, $"checked {planner.CandidateChecks} candidates, more than the rare tag's 100 postings");
    }

    [Fact]
    public void NumericEstimateFollowsTheRangeWidth()
    {
        var index = BuildIndex(10_000);
        var planner = new QueryPlanner(index);
        long narrow = planner.Estimate(Parse(index, "@n:[0 9]"));
        long wide = planner.Estimate(Parse(index, "@n:[0 999]"));
        Assert.InRange(narrow, 50, 200);
        Assert.Equal(10_000, wide);
    }

    [Fact]
    public void RemovingADocumentRemovesEveryPosting()
    {
        var index = BuildIndex(10);
        long before = index.PostingCount;
        Assert.True(index.Remove("d:0"u8));
        Assert.Equal(before - 2, index.PostingCount);
        Assert.Null(index.Postings(0, "rare"));
        Assert.False(index.Remove("d:0"u8));
    }
}
