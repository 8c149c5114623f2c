/**
 * The Block Kit JSON the page reads: only the fields it renders. Views and messages come from
 * the sandbox API as the app sent them, so everything is optional and checked where used.
 */
export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export interface OptionObject {
  text: TextObject;
  value: string;
  description?: TextObject;
}

export interface ConfirmObject {
  title?: TextObject;
  text?: TextObject;
  confirm?: TextObject;
  deny?: TextObject;
  style?: 'primary' | 'danger';
}

export interface Element {
  type: string;
  action_id?: string;
  text?: TextObject;
  value?: string;
  url?: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmObject;
  placeholder?: TextObject;
  options?: OptionObject[];
  option_groups?: { label: TextObject; options: OptionObject[] }[];
  initial_option?: OptionObject;
  initial_options?: OptionObject[];
  initial_user?: string;
  initial_users?: string[];
  initial_conversation?: string;
  initial_channel?: string;
  initial_value?: string;
  initial_date?: string;
  initial_time?: string;
  initial_date_time?: number;
  multiline?: boolean;
  min_length?: number;
  max_length?: number;
  min_value?: string;
  max_value?: string;
  is_decimal_allowed?: boolean;
  max_selected_items?: number;
  dispatch_action_config?: { trigger_actions_on?: ('on_enter_pressed' | 'on_character_entered')[] };
  image_url?: string;
  alt_text?: string;
  accessibility_label?: string;
  focus_on_load?: boolean;
}

export interface Block {
  type: string;
  block_id?: string;
  text?: TextObject;
  fields?: TextObject[];
  accessory?: Element;
  elements?: (Element | TextObject)[];
  label?: TextObject;
  hint?: TextObject;
  optional?: boolean;
  dispatch_action?: boolean;
  element?: Element;
  image_url?: string;
  alt_text?: string;
  title?: TextObject;
  slack_file?: { id?: string; url?: string };
}

export interface View {
  id?: string;
  type?: 'modal' | 'home';
  callback_id?: string;
  title?: TextObject;
  submit?: TextObject;
  close?: TextObject;
  blocks: Block[];
  private_metadata?: string;
}
