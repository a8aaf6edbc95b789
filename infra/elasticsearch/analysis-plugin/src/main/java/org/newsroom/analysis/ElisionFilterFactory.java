package org.newsroom.analysis;

import java.util.List;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

/**
 * {"type": "elision", "articles": ["l", "dell"], "articles_case": true}: "l'inondation" is indexed as "inondation",
 * which the standard tokenizer keeps whole. Without `articles`, French's, as on the full distribution.
 */
@NamedComponent("elision")
public final class ElisionFilterFactory implements TokenFilterFactory {
    @AnalysisSettings
    public interface Settings {
        @ListSetting(path = "articles")
        List<String> articles();

        @BooleanSetting(path = "articles_case", defaultValue = false)
        boolean articlesCase();
    }

    private final CharArraySet articles;

    @Inject
    public ElisionFilterFactory(Settings settings) {
        List<String> listed = settings.articles();
        this.articles = listed.isEmpty() ? FrenchAnalyzer.DEFAULT_ARTICLES : new CharArraySet(listed, settings.articlesCase());
    }

    @Override
    public TokenStream create(TokenStream input) {
        return new ElisionFilter(input, articles);
    }

    @Override
    public TokenStream normalize(TokenStream input) {
        return new ElisionFilter(input, articles);
    }
}
