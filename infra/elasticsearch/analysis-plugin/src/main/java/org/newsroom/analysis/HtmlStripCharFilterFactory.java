package org.newsroom.analysis;

import java.io.Reader;
import java.util.List;
import java.util.Set;

import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.CharFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.ListSetting;

/** {"type": "html_strip", "escaped_tags": ["b"]}: markup out, entities decoded, offsets kept for highlighting. */
@NamedComponent("html_strip")
public final class HtmlStripCharFilterFactory implements CharFilterFactory {
    @AnalysisSettings
    public interface Settings {
        @ListSetting(path = "escaped_tags")
        List<String> escapedTags();
    }

    private final Set<String> escapedTags;

    @Inject
    public HtmlStripCharFilterFactory(Settings settings) {
        this.escapedTags = Set.copyOf(settings.escapedTags());
    }

    @Override
    public Reader create(Reader reader) {
        return new HTMLStripCharFilter(reader, escapedTags.isEmpty() ? null : escapedTags);
    }
}
