package io.qmp4j.core.event;

/**
 * What a subscription does when an event arrives and its queue is full. Either way the event
 * loop never blocks and the loss is counted in {@link EventSubscription#dropped()}.
 *
 * @since 0.1
 */
public enum OverflowPolicy {
    /** Drop the oldest queued event to make room: the subscriber sees the most recent events. */
    DROP_OLDEST,
    /** Drop the arriving event: the subscriber sees the earliest events. */
    DROP_NEWEST
}
